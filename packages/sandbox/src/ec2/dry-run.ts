import { dryRunOperation, unauthorizedOperation } from './errors';

/**
 * DryRun=true: the request is validated like a real one, then answered with DryRunOperation
 * (412) instead of changing anything. Mutating handlers call `gate()` after validation and
 * before the first change; for read-only actions the registry answers after the handler ran.
 *
 * Authorization is a hook: the emulator allows everything unless `authorize` says otherwise, in
 * which case the answer is UnauthorizedOperation (403), with or without DryRun.
 */
export type Authorizer = (action: string, region: string) => boolean;

export class DryRunGate {
  private passed = false;

  constructor(readonly dryRun: boolean) {}

  /** Throws DryRunOperation when this is a dry run; otherwise lets the change proceed. */
  gate(): void {
    this.passed = true;
    if (this.dryRun) throw dryRunOperation();
  }

  get gated(): boolean {
    return this.passed;
  }
}

export function checkAuthorized(authorize: Authorizer | undefined, action: string, region: string): void {
  if (authorize && !authorize(action, region)) throw unauthorizedOperation(action);
}
