/** EC2 takes up to 1,000 resource ids per CreateTags/DeleteTags and per Describe* id list. */
export const EC2_BATCH = 1000;

/** Splits into chunks of at most `size`, in order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
