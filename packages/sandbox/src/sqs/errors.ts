/**
 * An SQS refusal as the JSON protocol carries it: `__type` names the error shape, the
 * `x-amzn-query-error` header carries the older query-protocol code that the SDK maps to `Code`.
 */
export class SqsError extends Error {
  constructor(
    readonly type: string,
    readonly queryCode: string,
    readonly status: number,
    message: string,
    readonly senderFault = true,
  ) {
    super(message);
    this.name = type;
  }

  /** The `__type` the SDK reads: shapes of the SQS model live in the `com.amazonaws.sqs` namespace. */
  get wireType(): string {
    return this.type.includes('#') ? this.type : `com.amazonaws.sqs#${this.type}`;
  }
}

export const sqsErrors = {
  queueDoesNotExist: () =>
    new SqsError(
      'QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
      400,
      'The specified queue does not exist.',
    ),
  missingParameter: (name: string) =>
    new SqsError(
      'MissingParameter',
      'MissingParameter',
      400,
      `The request must contain the parameter ${name}.`,
    ),
  invalidParameterValue: (message: string) =>
    new SqsError('InvalidParameterValue', 'InvalidParameterValue', 400, message),
  invalidAddress: (url: string) =>
    new SqsError(
      'InvalidAddress',
      'InvalidAddress',
      404,
      `The address ${url} is not valid for this endpoint.`,
    ),
  invalidMessageContents: () =>
    new SqsError(
      'InvalidMessageContents',
      'InvalidMessageContents',
      400,
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    ),
  emptyBatch: () =>
    new SqsError(
      'EmptyBatchRequest',
      'AWS.SimpleQueueService.EmptyBatchRequest',
      400,
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    ),
  tooManyEntries: (n: number) =>
    new SqsError(
      'TooManyEntriesInBatchRequest',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      400,
      `Maximum number of entries per request are 10. You have sent ${n}.`,
    ),
  idsNotDistinct: (id: string) =>
    new SqsError(
      'BatchEntryIdsNotDistinct',
      'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      400,
      `Id ${id} repeated.`,
    ),
  invalidBatchEntryId: () =>
    new SqsError(
      'InvalidBatchEntryId',
      'AWS.SimpleQueueService.InvalidBatchEntryId',
      400,
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchTooLong: (size: number) =>
    new SqsError(
      'BatchRequestTooLong',
      'AWS.SimpleQueueService.BatchRequestTooLong',
      400,
      `Batch requests cannot be longer than 1048576 bytes. You have sent ${size} bytes.`,
    ),
  receiptHandleIsInvalid: (handle: string) =>
    new SqsError(
      'ReceiptHandleIsInvalid',
      'ReceiptHandleIsInvalid',
      404,
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    ),
  messageNotInflight: () =>
    new SqsError(
      'MessageNotInflight',
      'AWS.SimpleQueueService.MessageNotInflight',
      400,
      'Message does not exist or is not available for visibility timeout change.',
    ),
  unknownOperation: (target: string) =>
    new SqsError(
      'com.amazon.coral.service#UnknownOperationException',
      'UnknownOperation',
      400,
      `Unknown operation ${target}`,
    ),
  serialization: (message: string) =>
    new SqsError('com.amazon.coral.service#SerializationException', 'SerializationException', 400, message),
  missingAuthentication: () =>
    new SqsError(
      'com.amazon.coral.service#MissingAuthenticationTokenException',
      'MissingAuthenticationToken',
      400,
      'Request is missing Authentication Token',
    ),
  queueNameExists: (name: string) =>
    new SqsError(
      'QueueNameExists',
      'QueueAlreadyExists',
      400,
      `A queue already exists with the same name (${name}) and a different value for attribute(s).`,
    ),
};
