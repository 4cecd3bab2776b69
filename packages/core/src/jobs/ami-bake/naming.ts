/**
 * Image names: `<Name or instance id>-<UTC yyyymmdd-hhmm>`. EC2 allows 3–128 characters of
 * letters, digits, spaces and ( ) [ ] . / - ' @ _ and names must be unique per region, so the
 * source part is sanitised and shortened, and a clash gets the instance id, then a counter.
 * The timestamp comes last so one source's images sort by name in bake order.
 */
export const MAX_IMAGE_NAME = 128;
const NOT_ALLOWED = /[^A-Za-z0-9 ()[\]./'@_-]/g;

export function sanitiseImageNamePart(text: string): string {
  return text.replace(NOT_ALLOWED, '-').replace(/\s+/g, ' ').trim();
}

export function utcStamp(instantMs: number): string {
  const d = new Date(instantMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

function compose(base: string, suffix: string): string {
  const room = MAX_IMAGE_NAME - suffix.length - 1;
  const head = base.slice(0, room).trim();
  return `${head}-${suffix}`;
}

/**
 * A name for a new image of `instance`, not in `taken` (names already in the region or planned
 * in this run). Adds the chosen name to `taken`.
 */
export function imageName(
  instance: { id: string; name?: string | undefined },
  instantMs: number,
  taken: Set<string>,
): string {
  const stamp = utcStamp(instantMs);
  const base = sanitiseImageNamePart(instance.name ?? '') || instance.id;
  const candidates = [compose(base, stamp)];
  if (base !== instance.id) candidates.push(compose(`${base}-${instance.id}`, stamp));
  for (const name of candidates) {
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  for (let n = 2; n < 10_000; n++) {
    const name = compose(`${base}-${instance.id}`, `${stamp}-${n}`);
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  throw new Error(`no free image name for ${instance.id}`);
}
