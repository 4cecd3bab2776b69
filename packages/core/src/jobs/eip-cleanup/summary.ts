import { formatDuration } from '../../time/durations';
import type { ItemResult, MoneyFigure, PlanItem } from '../types';
import type { EipItemData, EipRegionPlan } from './plan';

/** AWS bills by the hour; a month is counted as 730 hours. */
export const HOURS_PER_MONTH = 730;

/** `done` detail of a release that another run (or a person) had already made. */
export const ALREADY_RELEASED = 'already released';

export function eipMoney(input: {
  plans: EipRegionPlan[];
  results: ItemResult[];
  dryRun: boolean;
  pricePerHour: number;
}): MoneyFigure[] {
  const perAddress = input.pricePerHour * HOURS_PER_MONTH;
  const price = `$${Number(input.pricePerHour.toFixed(6))}/h × ${HOURS_PER_MONTH} h`;
  const figures: MoneyFigure[] = [];
  const releases = input.dryRun
    ? input.plans.flatMap((p) => p.items).filter((i) => i.action === 'release').length
    : input.results.filter(
        (r) => r.action === 'release' && r.outcome.status === 'done' && r.outcome.detail !== ALREADY_RELEASED,
      ).length;
  figures.push({
    label: input.dryRun ? 'Would save' : 'Saved',
    usdPerMonth: releases * perAddress,
    saving: true,
    detail: `${releases} address${releases === 1 ? '' : 'es'} released × ${price}`,
  });
  const idle = input.plans.reduce((n, p) => n + p.idle.length, 0);
  if (idle) {
    figures.push({
      label: 'Idle addresses still cost',
      usdPerMonth: idle * perAddress,
      detail: `${idle} idle within the grace period × ${price}`,
    });
  }
  return figures;
}

/** The DM an owner gets a day (config `warnBefore`) before their address is released. */
export function ownerWarning(
  item: PlanItem<EipItemData>,
  data: Extract<EipItemData, { action: 'warn' }>,
  nowMs: number,
  keepTag: string,
): string {
  const left = formatDuration(Date.parse(data.releaseAt) - nowMs);
  return (
    `Your Elastic IP ${data.publicIp} (${item.id}, ${item.region}) has been unused since ${data.idleSince} ` +
    `and will be released at ${data.releaseAt} (in ${left}); it costs money while idle. ` +
    `To keep it, associate it with an instance, or ask an admin to tag it ${keepTag}=true.`
  );
}
