/** Slack's rules for a response_url: usable 5 times within 30 minutes of the request. */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;
export const RESPONSE_URL_MAX_USES = 5;

/**
 * How Slack refuses a post to a response_url, like an incoming webhook does: a non-2xx status and
 * a JSON body with the reason. Callers see it as an HTTP error (Bolt's `respond` throws).
 */
export const RESPONSE_URL_ERRORS = {
  /** Nothing was ever minted under this id (Slack's webhook "no_service"). */
  unknown: { status: 404, error: 'no_service' },
  expired: { status: 404, error: 'expired_url' },
  used: { status: 404, error: 'used_url' },
  invalidPayload: { status: 400, error: 'invalid_payload' },
  noText: { status: 400, error: 'no_text' },
  invalidBlocks: { status: 400, error: 'invalid_blocks' },
} as const;
