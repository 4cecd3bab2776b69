/**
 * Listeners told of every answered action with its XML, after it is sent. Tests use this to
 * check each response against the EC2 model (test/ec2/shape-check.ts); nothing else does, so a
 * listener must be cheap and must not throw.
 */
export type ResponseObserver = (action: string, xml: string) => void;

const observers = new Set<ResponseObserver>();

export function observeResponses(observer: ResponseObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function notifyResponse(action: string, xml: string): void {
  for (const observer of observers) observer(action, xml);
}
