/**
 * Runs `task` one at a time: calls made while it runs (or an `again()` from the task itself)
 * cause exactly one more run after it, so a burst of change notices costs two requests at most.
 */
export function oneAtATime(task: (again: () => void) => Promise<unknown>): () => void {
  let busy = false;
  let pending = false;
  const again = () => {
    pending = true;
  };
  const run = () => {
    if (busy) {
      pending = true;
      return;
    }
    busy = true;
    task(again).finally(() => {
      busy = false;
      if (pending) {
        pending = false;
        run();
      }
    });
  };
  return run;
}
