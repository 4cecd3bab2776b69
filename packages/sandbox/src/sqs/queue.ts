import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../slack/clock';
import { md5Hex, md5OfMessageAttributes, type WireMessageAttribute } from './md5';

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export interface QueueSettings {
  /** Seconds a received message stays hidden. The sandbox may use fractions to keep tests fast. */
  visibilityTimeoutSeconds: number;
  delaySeconds: number;
  redrivePolicy?: RedrivePolicy;
}

export interface StoredMessage {
  /** Internal identity of this copy; a duplicate delivery shares `messageId` but not `key`. */
  key: string;
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, WireMessageAttribute>;
  md5OfMessageAttributes?: string;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  visibleAt: number;
  /** The handle of the latest receive; only it can change visibility. */
  receiptHandle?: string;
  senderId: string;
  deadLetterQueueSourceArn?: string;
  awsTraceHeader?: string;
}

export interface Received {
  message: StoredMessage;
  receiptHandle: string;
}

/** One standard (not FIFO) queue: ordered storage, visibility timeouts, receive counts, redrive. */
export class Queue {
  private readonly messages: StoredMessage[] = [];
  private handleSeq = 0;

  constructor(
    readonly name: string,
    readonly arn: string,
    public settings: QueueSettings,
    private readonly clock: Clock,
  ) {}

  /**
   * Seconds since the oldest message still in the queue was sent (what CloudWatch publishes as
   * AWS/SQS ApproximateAgeOfOldestMessage); undefined when the queue is empty.
   */
  oldestAgeSeconds(): number | undefined {
    if (this.messages.length === 0) return undefined;
    // A loop, not Math.min(...spread): a seeded queue can hold more messages than call arguments.
    let oldest = Number.POSITIVE_INFINITY;
    for (const m of this.messages) if (m.sentAt < oldest) oldest = m.sentAt;
    return Math.max(0, Math.floor((this.clock.now() - oldest) / 1000));
  }

  send(input: {
    body: string;
    delaySeconds?: number;
    messageAttributes?: Record<string, WireMessageAttribute>;
    senderId: string;
    awsTraceHeader?: string;
  }): StoredMessage {
    const now = this.clock.now();
    const attributes = input.messageAttributes ?? {};
    const md5Attrs = md5OfMessageAttributes(attributes);
    const message: StoredMessage = {
      key: randomUUID(),
      messageId: randomUUID(),
      body: input.body,
      md5OfBody: md5Hex(input.body),
      messageAttributes: attributes,
      ...(md5Attrs ? { md5OfMessageAttributes: md5Attrs } : {}),
      sentAt: now,
      receiveCount: 0,
      visibleAt: now + (input.delaySeconds ?? this.settings.delaySeconds) * 1000,
      senderId: input.senderId,
      ...(input.awsTraceHeader ? { awsTraceHeader: input.awsTraceHeader } : {}),
    };
    this.messages.push(message);
    return message;
  }

  /** Takes a message moved here from a source queue's redrive, keeping its id and body. */
  adopt(message: StoredMessage, sourceArn: string): void {
    const moved: StoredMessage = {
      ...message,
      key: randomUUID(),
      visibleAt: this.clock.now(),
      deadLetterQueueSourceArn: sourceArn,
    };
    delete moved.receiptHandle;
    this.messages.push(moved);
  }

  /** The same message delivered again, as at-least-once delivery allows. */
  duplicate(messageId: string): StoredMessage | undefined {
    const original = this.messages.find((m) => m.messageId === messageId);
    if (!original) return undefined;
    const copy: StoredMessage = { ...original, key: randomUUID(), visibleAt: this.clock.now() };
    delete copy.receiptHandle;
    this.messages.push(copy);
    return copy;
  }

  /**
   * Up to `max` visible messages, hidden for the visibility timeout. A visible message that has
   * already been received `maxReceiveCount` times goes to the dead-letter queue instead, which is
   * when SQS moves it: on the receive after its last failed attempt.
   */
  receive(max: number, visibilitySeconds: number, deadLetter: (m: StoredMessage) => boolean): Received[] {
    const now = this.clock.now();
    const out: Received[] = [];
    for (let i = 0; i < this.messages.length && out.length < max; ) {
      const message = this.messages[i] as StoredMessage;
      if (message.visibleAt > now) {
        i++;
        continue;
      }
      const policy = this.settings.redrivePolicy;
      if (policy && message.receiveCount >= policy.maxReceiveCount && deadLetter(message)) {
        this.messages.splice(i, 1);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilitySeconds * 1000;
      this.handleSeq += 1;
      message.receiptHandle = Buffer.from(
        `sbx:${this.name}:${message.key}:${this.handleSeq}:${randomBytes(12).toString('hex')}`,
      ).toString('base64url');
      out.push({ message, receiptHandle: message.receiptHandle });
      i++;
    }
    return out;
  }

  /**
   * Deletes by receipt handle. As in SQS, a stale handle (the message was received again since)
   * succeeds without deleting; returns whether something was removed.
   */
  delete(receiptHandle: string): boolean {
    const index = this.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (index === -1) return false;
    this.messages.splice(index, 1);
    return true;
  }

  /** False when no message is in flight under this handle. */
  changeVisibility(receiptHandle: string, seconds: number): boolean {
    const message = this.messages.find((m) => m.receiptHandle === receiptHandle);
    const now = this.clock.now();
    if (!message || message.visibleAt <= now) return false;
    message.visibleAt = now + seconds * 1000;
    return true;
  }

  purge(): void {
    this.messages.length = 0;
  }

  /** Earliest instant a hidden or delayed message becomes visible, if any. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const m of this.messages) if (next === undefined || m.visibleAt < next) next = m.visibleAt;
    return next;
  }

  counts(): { visible: number; inFlight: number; delayed: number; total: number } {
    const now = this.clock.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of this.messages) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed, total: this.messages.length };
  }

  /** A snapshot for tests and the console. */
  list(): StoredMessage[] {
    return this.messages.map((m) => ({ ...m }));
  }
}

/** `aws-lambda`'s receipt handles are opaque; ours decode to `sbx:<queue>:…` so bad ones are recognisable. */
export function isSandboxReceiptHandle(handle: string): boolean {
  try {
    return Buffer.from(handle, 'base64url').toString('utf8').startsWith('sbx:');
  } catch {
    return false;
  }
}
