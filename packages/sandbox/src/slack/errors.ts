/** A Web API refusal: Slack answers HTTP 200 with `{ ok: false, error }` and, for blocks, why. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(messages.length > 0 ? `${code}: ${messages.join('; ')}` : code);
    this.name = 'SlackApiError';
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { ok: false, error: this.code };
    if (this.messages.length > 0) body['response_metadata'] = { messages: this.messages };
    return body;
  }
}
