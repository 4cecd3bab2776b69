import type { SqsService } from '../sqs/service';
import type { MetricSource } from './alarms';

/**
 * AWS/SQS ApproximateAgeOfOldestMessage by QueueName, read from the sandbox's queues at the
 * moment it is asked (CloudWatch publishes it every minute; the sandbox has no history).
 */
export function sqsAgeMetrics(service: SqsService): MetricSource {
  return ({ namespace, name, dimensions }) => {
    if (namespace !== 'AWS/SQS' || name !== 'ApproximateAgeOfOldestMessage') return undefined;
    const queue = dimensions['QueueName'];
    if (!queue || !service.queueNames().includes(queue)) return undefined;
    return service.queue(queue).oldestAgeSeconds();
  };
}
