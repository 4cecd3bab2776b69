/**
 * An error the emulator answers with, in EC2's `<Response><Errors>…` form. `status` follows EC2:
 * 400 for client errors, 403 for authorization, 412 for DryRunOperation, 503 for throttling and
 * unavailability, 500 for internal errors.
 */
export class Ec2ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'Ec2ApiError';
    this.code = code;
    this.status = status;
  }
}

export function isEc2ApiError(error: unknown): error is Ec2ApiError {
  return error instanceof Ec2ApiError;
}

export const missingParameter = (name: string): Ec2ApiError =>
  new Ec2ApiError('MissingParameter', `The request must contain the parameter ${name}`);

export const invalidParameterValue = (message: string): Ec2ApiError =>
  new Ec2ApiError('InvalidParameterValue', message);

export const invalidValueFor = (name: string, value: string, expected?: string): Ec2ApiError =>
  new Ec2ApiError(
    'InvalidParameterValue',
    `Value (${value}) for parameter ${name} is invalid.${expected ? ` ${expected}` : ''}`,
  );

export const invalidParameterCombination = (message: string): Ec2ApiError =>
  new Ec2ApiError('InvalidParameterCombination', message);

export const invalidParameter = (message: string): Ec2ApiError =>
  new Ec2ApiError('InvalidParameter', message);

export const invalidAction = (action: string): Ec2ApiError =>
  new Ec2ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);

export const dryRunOperation = (): Ec2ApiError =>
  new Ec2ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);

export const unauthorizedOperation = (action: string): Ec2ApiError =>
  new Ec2ApiError(
    'UnauthorizedOperation',
    `You are not authorized to perform this operation: ec2:${action}`,
    403,
  );

export const requestLimitExceeded = (): Ec2ApiError =>
  new Ec2ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);

export const unavailable = (): Ec2ApiError =>
  new Ec2ApiError('Unavailable', 'The server is overloaded and cannot handle the request.', 503);

export const internalError = (): Ec2ApiError =>
  new Ec2ApiError('InternalError', 'An internal error has occurred.', 500);

export const incorrectState = (code: string, message: string): Ec2ApiError => new Ec2ApiError(code, message);
