/**
 * Slack sends clicks and form submissions as one form field, `payload=<JSON object>`. Bolt
 * parses it without a guard, so a signed body whose payload is not JSON, or is JSON but not an
 * object (`null`, `3`), made the function throw: a 5xx, counted by the errors alarm. This is
 * checked before Bolt sees the body; anything else Bolt handles as it does today.
 */
export type PayloadCheck = { ok: true } | { ok: false; reason: string; user?: string | undefined };

export function checkInteractionPayload(formBody: string): PayloadCheck {
  const form = new URLSearchParams(formBody);
  if (!form.has('payload')) return { ok: true };
  let payload: unknown;
  try {
    payload = JSON.parse(form.get('payload') ?? '');
  } catch {
    return { ok: false, reason: 'the interaction payload is not JSON' };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return { ok: false, reason: 'the interaction payload is not a JSON object' };
  const { type, user } = payload as { type?: unknown; user?: { id?: unknown } };
  const who = typeof user?.id === 'string' ? user.id : undefined;
  if (typeof type !== 'string')
    return { ok: false, reason: 'the interaction payload has no type', user: who };
  return { ok: true };
}
