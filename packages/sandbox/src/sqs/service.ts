import { type Clock, systemClock } from '../slack/clock';
import { SqsError, sqsErrors } from './errors';
import type { WireMessageAttribute } from './md5';
import { isSandboxReceiptHandle, Queue, type QueueSettings, type StoredMessage } from './queue';

/** SQS's largest message, body and attributes together (1 MiB since August 2025). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_ATTRIBUTES = 10;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;

export interface QueueDefinition {
  name: string;
  visibilityTimeoutSeconds?: number;
  delaySeconds?: number;
  /** Dead-letter queue by name; created when missing. */
  deadLetter?: { queue: string; maxReceiveCount: number };
}

export interface SqsServiceOptions {
  accountId?: string;
  region?: string;
  clock?: Clock;
  /** Origin queue URLs are built on; set by the server once it listens. */
  baseUrl?: string;
}

type Json = Record<string, unknown>;

/**
 * The queues and the subset of the SQS API that ec2ops uses, in process. api.ts maps the AWS JSON
 * protocol onto `call`; delivery.ts feeds queues to Lambda-style consumers.
 */
export class SqsService {
  readonly accountId: string;
  readonly region: string;
  readonly clock: Clock;
  baseUrl: string;
  private readonly queues = new Map<string, Queue>();
  private readonly listeners = new Set<() => void>();

  constructor(options: SqsServiceOptions = {}) {
    this.accountId = options.accountId ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.clock = options.clock ?? systemClock;
    this.baseUrl = options.baseUrl ?? 'http://127.0.0.1';
  }

  // ---- queues ---------------------------------------------------------------------------------

  createQueue(definition: QueueDefinition): Queue {
    const existing = this.queues.get(definition.name);
    if (existing) return existing;
    const settings: QueueSettings = {
      visibilityTimeoutSeconds: definition.visibilityTimeoutSeconds ?? 30,
      delaySeconds: definition.delaySeconds ?? 0,
    };
    if (definition.deadLetter) {
      const dlq = this.createQueue({ name: definition.deadLetter.queue });
      settings.redrivePolicy = {
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: definition.deadLetter.maxReceiveCount,
      };
    }
    const queue = new Queue(definition.name, this.arnOf(definition.name), settings, this.clock);
    this.queues.set(definition.name, queue);
    return queue;
  }

  queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw sqsErrors.queueDoesNotExist();
    return queue;
  }

  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  urlOf(name: string): string {
    return `${this.baseUrl}/${this.accountId}/${name}`;
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  /** Any queue URL whose path is `/<account>/<name>`: the host is whatever the client used. */
  queueByUrl(queueUrl: unknown): Queue {
    if (typeof queueUrl !== 'string' || queueUrl === '') throw sqsErrors.missingParameter('QueueUrl');
    let path: string;
    try {
      path = new URL(queueUrl).pathname;
    } catch {
      throw sqsErrors.invalidAddress(queueUrl);
    }
    const [account, name, ...rest] = path.split('/').filter(Boolean);
    if (!account || !name || rest.length > 0) throw sqsErrors.invalidAddress(queueUrl);
    if (account !== this.accountId) throw sqsErrors.queueDoesNotExist();
    return this.queue(name);
  }

  /** Called whenever messages may have become receivable (a send, a redrive, a duplicate). */
  onActivity(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  // ---- in-process helpers ---------------------------------------------------------------------

  send(
    queueName: string,
    body: string,
    messageAttributes: Record<string, WireMessageAttribute> = {},
  ): StoredMessage {
    const queue = this.queue(queueName);
    const message = this.sendTo(queue, { MessageBody: body, MessageAttributes: messageAttributes });
    return message;
  }

  /** Delivers a copy of a message again (same MessageId), as SQS's at-least-once delivery may. */
  injectDuplicate(queueName: string, messageId: string): StoredMessage {
    const copy = this.queue(queueName).duplicate(messageId);
    if (!copy)
      throw new Error(
        `no message ${messageId} is stored in ${queueName} (deleted messages cannot be duplicated)`,
      );
    this.notify();
    return copy;
  }

  /** Receives for a consumer, moving exhausted messages to their dead-letter queue on the way. */
  receiveFrom(queue: Queue, max: number, visibilitySeconds = queue.settings.visibilityTimeoutSeconds) {
    let moved = false;
    const received = queue.receive(max, visibilitySeconds, (message) => {
      const target = this.deadLetterQueue(queue);
      if (!target) return false;
      target.adopt(message, queue.arn);
      moved = true;
      return true;
    });
    if (moved) this.notify();
    return received;
  }

  private deadLetterQueue(queue: Queue): Queue | undefined {
    const arn = queue.settings.redrivePolicy?.deadLetterTargetArn;
    return [...this.queues.values()].find((q) => q.arn === arn);
  }

  // ---- the API operations (JSON shapes of the SQS model) --------------------------------------

  call(operation: string, input: Json): Json {
    switch (operation) {
      case 'SendMessage':
        return this.sendMessage(input);
      case 'SendMessageBatch':
        return this.sendMessageBatch(input);
      case 'ReceiveMessage':
        return this.receiveMessage(input);
      case 'DeleteMessage':
        return this.deleteMessage(input);
      case 'DeleteMessageBatch':
        return this.deleteMessageBatch(input);
      case 'ChangeMessageVisibility':
        return this.changeMessageVisibility(input);
      case 'GetQueueUrl':
        return this.getQueueUrl(input);
      case 'CreateQueue':
        return this.createQueueOp(input);
      case 'GetQueueAttributes':
        return this.getQueueAttributes(input);
      case 'ListQueues':
        return this.listQueues(input);
      case 'PurgeQueue':
        this.queueByUrl(input['QueueUrl']).purge();
        return {};
      default:
        throw sqsErrors.unknownOperation(`AmazonSQS.${operation}`);
    }
  }

  private sendMessage(input: Json): Json {
    const queue = this.queueByUrl(input['QueueUrl']);
    const message = this.sendTo(queue, input);
    return {
      MessageId: message.messageId,
      MD5OfMessageBody: message.md5OfBody,
      ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
    };
  }

  private sendMessageBatch(input: Json): Json {
    const queue = this.queueByUrl(input['QueueUrl']);
    const entries = input['Entries'];
    if (!Array.isArray(entries) || entries.length === 0) throw sqsErrors.emptyBatch();
    if (entries.length > 10) throw sqsErrors.tooManyEntries(entries.length);
    const seen = new Set<string>();
    let size = 0;
    for (const entry of entries as Json[]) {
      const id = entry['Id'];
      if (typeof id !== 'string' || !BATCH_ID.test(id)) throw sqsErrors.invalidBatchEntryId();
      if (seen.has(id)) throw sqsErrors.idsNotDistinct(id);
      seen.add(id);
      size += messageSize(entry);
    }
    if (size > MAX_MESSAGE_BYTES) throw sqsErrors.batchTooLong(size);
    const successful: Json[] = [];
    const failed: Json[] = [];
    for (const entry of entries as Json[]) {
      try {
        const message = this.sendTo(queue, entry);
        successful.push({
          Id: entry['Id'],
          MessageId: message.messageId,
          MD5OfMessageBody: message.md5OfBody,
          ...(message.md5OfMessageAttributes
            ? { MD5OfMessageAttributes: message.md5OfMessageAttributes }
            : {}),
        });
      } catch (error) {
        if (!(error instanceof SqsError)) throw error;
        failed.push({
          Id: entry['Id'],
          SenderFault: error.senderFault,
          Code: error.queryCode,
          Message: error.message,
        });
      }
    }
    return { Successful: successful, Failed: failed };
  }

  private sendTo(queue: Queue, input: Json): StoredMessage {
    const body = input['MessageBody'];
    if (typeof body !== 'string' || body.length === 0) throw sqsErrors.missingParameter('MessageBody');
    if (!validBody(body)) throw sqsErrors.invalidMessageContents();
    const attributes = validateAttributes(input['MessageAttributes']);
    const size = messageSize(input);
    if (size > MAX_MESSAGE_BYTES) {
      throw sqsErrors.invalidParameterValue(
        `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
      );
    }
    const delay = input['DelaySeconds'];
    if (
      delay !== undefined &&
      (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 900)
    ) {
      throw sqsErrors.invalidParameterValue(
        `Value ${String(delay)} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.`,
      );
    }
    const system = input['MessageSystemAttributes'] as Record<string, WireMessageAttribute> | undefined;
    const trace = system?.['AWSTraceHeader']?.StringValue;
    const message = queue.send({
      body,
      ...(typeof delay === 'number' ? { delaySeconds: delay } : {}),
      messageAttributes: attributes,
      senderId: 'AIDASANDBOXSENDER',
      ...(trace ? { awsTraceHeader: trace } : {}),
    });
    this.notify();
    return message;
  }

  private receiveMessage(input: Json): Json {
    const queue = this.queueByUrl(input['QueueUrl']);
    const max = input['MaxNumberOfMessages'] ?? 1;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10) {
      throw sqsErrors.invalidParameterValue(
        `Value ${String(max)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      );
    }
    const visibility = input['VisibilityTimeout'];
    if (visibility !== undefined) checkVisibility(visibility);
    const received = this.receiveFrom(
      queue,
      max,
      typeof visibility === 'number' ? visibility : queue.settings.visibilityTimeoutSeconds,
    );
    const wanted = new Set([
      ...((input['AttributeNames'] as string[] | undefined) ?? []),
      ...((input['MessageSystemAttributeNames'] as string[] | undefined) ?? []),
    ]);
    const wantedAttrs = (input['MessageAttributeNames'] as string[] | undefined) ?? [];
    return {
      Messages: received.map(({ message, receiptHandle }) => {
        const attributes = systemAttributes(message);
        const pickedSystem = Object.fromEntries(
          Object.entries(attributes).filter(([k]) => wanted.has('All') || wanted.has(k)),
        );
        const pickedAttrs = Object.fromEntries(
          Object.entries(message.messageAttributes).filter(
            ([k]) =>
              wantedAttrs.includes('All') ||
              wantedAttrs.includes('.*') ||
              wantedAttrs.includes(k) ||
              wantedAttrs.some((w) => w.endsWith('.*') && k.startsWith(w.slice(0, -1))),
          ),
        );
        return {
          MessageId: message.messageId,
          ReceiptHandle: receiptHandle,
          MD5OfBody: message.md5OfBody,
          Body: message.body,
          ...(Object.keys(pickedSystem).length > 0 ? { Attributes: pickedSystem } : {}),
          ...(Object.keys(pickedAttrs).length > 0
            ? { MessageAttributes: pickedAttrs, MD5OfMessageAttributes: message.md5OfMessageAttributes }
            : {}),
        };
      }),
    };
  }

  /** Long polling (WaitTimeSeconds) is the API layer's concern; this is one attempt. */
  hasVisible(queueUrl: unknown): boolean {
    return this.queueByUrl(queueUrl).counts().visible > 0;
  }

  private deleteMessage(input: Json): Json {
    const queue = this.queueByUrl(input['QueueUrl']);
    const handle = input['ReceiptHandle'];
    if (typeof handle !== 'string' || handle === '') throw sqsErrors.missingParameter('ReceiptHandle');
    if (!isSandboxReceiptHandle(handle)) throw sqsErrors.receiptHandleIsInvalid(handle);
    queue.delete(handle);
    return {};
  }

  private deleteMessageBatch(input: Json): Json {
    const queue = this.queueByUrl(input['QueueUrl']);
    const entries = input['Entries'];
    if (!Array.isArray(entries) || entries.length === 0) throw sqsErrors.emptyBatch();
    if (entries.length > 10) throw sqsErrors.tooManyEntries(entries.length);
    const successful: Json[] = [];
    const failed: Json[] = [];
    for (const entry of entries as Json[]) {
      const handle = entry['ReceiptHandle'];
      if (typeof handle !== 'string' || !isSandboxReceiptHandle(handle)) {
        failed.push({
          Id: entry['Id'],
          SenderFault: true,
          Code: 'ReceiptHandleIsInvalid',
          Message: 'invalid receipt handle',
        });
        continue;
      }
      queue.delete(handle);
      successful.push({ Id: entry['Id'] });
    }
    return { Successful: successful, Failed: failed };
  }

  private changeMessageVisibility(input: Json): Json {
    const queue = this.queueByUrl(input['QueueUrl']);
    const handle = input['ReceiptHandle'];
    if (typeof handle !== 'string' || handle === '') throw sqsErrors.missingParameter('ReceiptHandle');
    if (!isSandboxReceiptHandle(handle)) throw sqsErrors.receiptHandleIsInvalid(handle);
    const seconds = input['VisibilityTimeout'];
    if (seconds === undefined) throw sqsErrors.missingParameter('VisibilityTimeout');
    checkVisibility(seconds);
    if (!queue.changeVisibility(handle, seconds as number)) throw sqsErrors.messageNotInflight();
    if (seconds === 0) this.notify();
    return {};
  }

  private getQueueUrl(input: Json): Json {
    const name = input['QueueName'];
    if (typeof name !== 'string' || name === '') throw sqsErrors.missingParameter('QueueName');
    const owner = input['QueueOwnerAWSAccountId'];
    if (owner !== undefined && owner !== this.accountId) throw sqsErrors.queueDoesNotExist();
    return { QueueUrl: this.urlOf(this.queue(name).name) };
  }

  private createQueueOp(input: Json): Json {
    const name = input['QueueName'];
    if (typeof name !== 'string' || name === '') throw sqsErrors.missingParameter('QueueName');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw sqsErrors.invalidParameterValue(
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    }
    const attributes = (input['Attributes'] as Record<string, string> | undefined) ?? {};
    const definition: QueueDefinition = { name };
    if (attributes['VisibilityTimeout'] !== undefined) {
      definition.visibilityTimeoutSeconds = Number(attributes['VisibilityTimeout']);
    }
    if (attributes['DelaySeconds'] !== undefined)
      definition.delaySeconds = Number(attributes['DelaySeconds']);
    if (attributes['RedrivePolicy']) {
      const policy = JSON.parse(attributes['RedrivePolicy']) as {
        deadLetterTargetArn: string;
        maxReceiveCount: number;
      };
      const target = [...this.queues.values()].find((q) => q.arn === policy.deadLetterTargetArn);
      if (!target) {
        throw sqsErrors.invalidParameterValue(
          `Value ${attributes['RedrivePolicy']} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`,
        );
      }
      definition.deadLetter = { queue: target.name, maxReceiveCount: Number(policy.maxReceiveCount) };
    }
    const existing = this.queues.get(name);
    if (existing) {
      if (
        definition.visibilityTimeoutSeconds !== undefined &&
        definition.visibilityTimeoutSeconds !== existing.settings.visibilityTimeoutSeconds
      ) {
        throw sqsErrors.queueNameExists(name);
      }
      return { QueueUrl: this.urlOf(name) };
    }
    return { QueueUrl: this.urlOf(this.createQueue(definition).name) };
  }

  private getQueueAttributes(input: Json): Json {
    const queue = this.queueByUrl(input['QueueUrl']);
    const names = (input['AttributeNames'] as string[] | undefined) ?? ['All'];
    const counts = queue.counts();
    const all: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      VisibilityTimeout: String(queue.settings.visibilityTimeoutSeconds),
      DelaySeconds: String(queue.settings.delaySeconds),
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      ...(queue.settings.redrivePolicy
        ? { RedrivePolicy: JSON.stringify(queue.settings.redrivePolicy) }
        : {}),
    };
    const picked = names.includes('All')
      ? all
      : Object.fromEntries(Object.entries(all).filter(([k]) => names.includes(k)));
    return { Attributes: picked };
  }

  private listQueues(input: Json): Json {
    const prefix = typeof input['QueueNamePrefix'] === 'string' ? input['QueueNamePrefix'] : '';
    return {
      QueueUrls: [...this.queues.values()]
        .filter((q) => q.name.startsWith(prefix))
        .map((q) => this.urlOf(q.name)),
    };
  }
}

function checkVisibility(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 43_200) {
    throw sqsErrors.invalidParameterValue(
      `Value ${String(value)} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.`,
    );
  }
}

function messageSize(input: Json): number {
  let size = typeof input['MessageBody'] === 'string' ? Buffer.byteLength(input['MessageBody']) : 0;
  const attributes = input['MessageAttributes'];
  if (attributes && typeof attributes === 'object') {
    for (const [name, value] of Object.entries(attributes as Record<string, WireMessageAttribute>)) {
      size += Buffer.byteLength(name) + Buffer.byteLength(value?.DataType ?? '');
      size += value?.BinaryValue
        ? Buffer.from(value.BinaryValue, 'base64').length
        : Buffer.byteLength(value?.StringValue ?? '');
    }
  }
  return size;
}

function validateAttributes(raw: unknown): Record<string, WireMessageAttribute> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw sqsErrors.serialization('MessageAttributes must be a map');
  const entries = Object.entries(raw as Record<string, WireMessageAttribute>);
  if (entries.length > MAX_ATTRIBUTES) {
    throw sqsErrors.invalidParameterValue(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
    );
  }
  const out: Record<string, WireMessageAttribute> = {};
  for (const [name, value] of entries) {
    const bad = (reason: string) =>
      sqsErrors.invalidParameterValue(`Message (user) attribute '${name}' ${reason}`);
    if (
      !ATTRIBUTE_NAME.test(name) ||
      name.includes('..') ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      /^(aws|amazon)\./i.test(name)
    ) {
      throw sqsErrors.invalidParameterValue(`Message (user) attribute name '${name}' is invalid.`);
    }
    const type = value?.DataType;
    if (typeof type !== 'string' || type === '') throw bad('must contain a non-empty attribute type.');
    const base = type.split('.')[0];
    if (base === 'String' || base === 'Number') {
      if (typeof value.StringValue !== 'string' || value.StringValue === '') {
        throw bad(
          "must contain a non-empty message attribute value for message attribute type '" + base + "'.",
        );
      }
      if (base === 'Number' && !Number.isFinite(Number(value.StringValue)))
        throw bad('has an invalid numeric value.');
      out[name] = { DataType: type, StringValue: value.StringValue };
    } else if (base === 'Binary') {
      if (typeof value.BinaryValue !== 'string' || value.BinaryValue === '') {
        throw bad("must contain a non-empty message attribute value for message attribute type 'Binary'.");
      }
      out[name] = { DataType: type, BinaryValue: value.BinaryValue };
    } else {
      throw bad(
        `has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
  }
  return out;
}

/** What ReceiveMessage calls `Attributes` and a Lambda SQS record calls `attributes`. */
export function systemAttributes(message: StoredMessage): Record<string, string> {
  return {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAt),
    SenderId: message.senderId,
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    ...(message.awsTraceHeader ? { AWSTraceHeader: message.awsTraceHeader } : {}),
    ...(message.deadLetterQueueSourceArn
      ? { DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn }
      : {}),
  };
}

/** SQS accepts #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF. */
function validBody(body: string): boolean {
  for (const char of body) {
    const c = char.codePointAt(0) as number;
    const ok =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000;
    if (!ok) return false;
  }
  return true;
}
