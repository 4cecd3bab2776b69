import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type QueueMessage, queueMessageSchema } from '@ec2ops/core/commands';

/** Where the slack function hands work to the worker. */
export interface Queue {
  send(message: QueueMessage): Promise<void>;
}

/** SQS (or the sandbox's SQS-compatible endpoint, via AWS_ENDPOINT_URL_SQS). */
export function sqsQueue(client: SQSClient, queueUrl: string): Queue {
  return {
    async send(message) {
      // Validated on the way in too: a malformed message is a bug here, not a poison message later.
      const body = JSON.stringify(queueMessageSchema.parse(message));
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
  };
}

/** An in-memory queue, for tests and the bench. */
export function memoryQueue(): Queue & { messages: QueueMessage[] } {
  const messages: QueueMessage[] = [];
  return {
    messages,
    async send(message) {
      messages.push(queueMessageSchema.parse(message));
    },
  };
}
