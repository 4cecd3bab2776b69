/**
 * Makes `Date` in this process follow the sandbox clock, so that the production handlers —
 * which take "now" from `new Date()` like any Lambda — compute expiries, grace periods and bake
 * days in sandbox time when the console moves the clock forward. Timers and `performance.now()`
 * keep real time: only the wall clock jumps.
 */
const RealDate = Date;

/** The real wall clock, unaffected by the sandbox clock (for the clock's own source). */
export const realNow: () => number = RealDate.now.bind(RealDate);

let installed: (() => void) | undefined;

export function installProcessClock(now: () => number): () => void {
  installed?.();
  class SandboxDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }

    static override now(): number {
      return now();
    }
  }
  globalThis.Date = SandboxDate as DateConstructor;
  const uninstall = () => {
    if (globalThis.Date === (SandboxDate as DateConstructor)) globalThis.Date = RealDate;
    if (installed === uninstall) installed = undefined;
  };
  installed = uninstall;
  return uninstall;
}
