/**
 * What the Recycle Bin does with a deletion, for the report: until when each deleted image or
 * snapshot can be restored, or one warning per run that deletions are final, with the rule that
 * would change that. Rules come from `rbin:ListRules` (the functions package reads them).
 */
export type RecycleResourceType = 'EC2_IMAGE' | 'EBS_SNAPSHOT';

export interface RecycleRule {
  resourceType: RecycleResourceType;
  retentionDays: number;
  /** Tag-level rule when non-empty; a region-level rule (every resource) when empty. */
  resourceTags: { key: string; value?: string | undefined }[];
}

const DAY_MS = 86_400_000;

/** The instant a resource deleted at `deletedAt` leaves the bin, or undefined when no rule keeps it. */
export function recoverableUntil(
  rules: readonly RecycleRule[],
  type: RecycleResourceType,
  tags: Readonly<Record<string, string>>,
  deletedAt: number,
): number | undefined {
  let days: number | undefined;
  for (const rule of rules) {
    if (rule.resourceType !== type) continue;
    const matches =
      rule.resourceTags.length === 0 ||
      rule.resourceTags.some(
        (t) => tags[t.key] !== undefined && (t.value === undefined || tags[t.key] === t.value),
      );
    // EC2 keeps a resource that several rules match for the longest of their periods.
    if (matches && (days === undefined || rule.retentionDays > days)) days = rule.retentionDays;
  }
  return days === undefined ? undefined : deletedAt + days * DAY_MS;
}

/** The one-line AWS CLI command that would make ec2ops' deletions of this type recoverable. */
export function suggestedRuleCommand(type: RecycleResourceType, managedKey: string, region: string): string {
  return `aws rbin create-rule --region ${region} --resource-type ${type} --retention-period RetentionPeriodValue=7,RetentionPeriodUnit=DAYS --resource-tags ResourceTagKey=${managedKey},ResourceTagValue=true`;
}

/** The report line for one deletion: `… recoverable until <ISO>` or `… deleted for good`. */
export function deletionNote(until: number | undefined): string {
  return until === undefined ? 'deleted for good' : `recoverable until ${new Date(until).toISOString()}`;
}

/** The once-per-run warning when a region has no rule for a type ec2ops deletes. */
export function noRuleWarning(type: RecycleResourceType, managedKey: string, region: string): string {
  const what = type === 'EC2_IMAGE' ? 'image' : 'snapshot';
  return `no Recycle Bin rule keeps ${what}s in ${region}: ${what} deletions are final. To make them recoverable: ${suggestedRuleCommand(type, managedKey, region)}`;
}

/**
 * Adds to each planned deregistration and snapshot deletion of one region until when the Recycle
 * Bin keeps it (planned at `now`: the bin's clock starts at the deletion, moments later), and
 * returns one warning per resource type that no rule keeps. `tagsOf` gives a resource's tags.
 */
export function noteRecoverability<I extends { id: string; action: string; reason: string }>(input: {
  items: readonly I[];
  rules: readonly RecycleRule[];
  tagsOf: (id: string) => Readonly<Record<string, string>>;
  now: number;
  managedKey: string;
  region: string;
}): { items: I[]; warnings: string[] } {
  const typeOf = (action: string): RecycleResourceType | undefined =>
    action === 'deregister' ? 'EC2_IMAGE' : action === 'delete-snapshot' ? 'EBS_SNAPSHOT' : undefined;
  const final = new Set<RecycleResourceType>();
  const items = input.items.map((item) => {
    const type = typeOf(item.action);
    if (!type) return item;
    const until = recoverableUntil(input.rules, type, input.tagsOf(item.id), input.now);
    if (until === undefined) {
      final.add(type);
      return item;
    }
    return { ...item, reason: `${item.reason}; ${deletionNote(until)}` };
  });
  const warnings = [...final].map((type) => noRuleWarning(type, input.managedKey, input.region));
  return { items, warnings };
}

/** The `recoverable until …` note `noteRecoverability` added to a reason, for a result's detail. */
export function recoveryNoteOf(reason: string): string | undefined {
  return reason.split('; ').find((part) => part.startsWith('recoverable until '));
}
