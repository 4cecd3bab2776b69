/**
 * Instants are stored in tags as ISO-8601 with an explicit zone (ec2ops writes UTC, `…Z`) and
 * compared as instants, never as local dates: mark-for-op bugs elsewhere came from exactly that.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an ISO-8601 instant with a zone; undefined for anything else. */
export function parseInstant(text: string | undefined): number | undefined {
  if (text === undefined || !ISO_INSTANT.test(text.trim())) return undefined;
  const ms = Date.parse(text.trim());
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; a date that does not exist is refused instead.
  const [year, month, day] = text.trim().slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day ? ms : undefined;
}

/** The canonical form ec2ops writes: UTC with milliseconds, e.g. 2026-11-23T15:00:00.000Z. */
export function toInstant(ms: number | Date): string {
  return new Date(ms).toISOString();
}
