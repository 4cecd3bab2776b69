/** Small display helpers shared by the console panels. */

export function duration(ms: number): string {
  const negative = ms < 0;
  let rest = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(rest / 1440);
  rest -= days * 1440;
  const hours = Math.floor(rest / 60);
  const minutes = rest - hours * 60;
  const parts = [
    days ? `${days}d` : '',
    hours ? `${hours}h` : '',
    minutes || (!days && !hours) ? `${minutes}m` : '',
  ];
  const text = parts.filter(Boolean).slice(0, 2).join(' ');
  return negative ? `${text} ago` : text;
}

export function timeLeft(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms <= 0 ? `expired ${duration(-ms)} ago` : duration(ms);
}

/** `2026-03-01 10:15` in UTC: the sandbox, like ec2ops, speaks UTC. */
export function when(iso: string | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').slice(0, 16);
}

export function usd(amount: number | undefined): string {
  return amount === undefined ? '—' : `$${amount.toFixed(2)}`;
}

/** Slack's ts (`1700000000.000100`) as a time of day in UTC. */
export function clockTime(ts: string): string {
  return new Date(Number(ts) * 1000).toISOString().slice(11, 16);
}

/** ISO timestamps in text without their milliseconds: `2026-03-01 10:15:00 UTC`. */
export function withoutMillis(text: string): string {
  return text.replace(/(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z/g, '$1 $2 UTC');
}

/** Known user ids in plain text (job reports name owners by id) as the people's names. */
export function withNames(text: string, nameOf: (id: string) => string): string {
  return text.replace(/\b[UW][A-Z0-9]{2,}\b/g, (id) => nameOf(id));
}
