import { addressLabel, isKept } from '@ec2ops/core/eip';
import { eipTagKeys } from '@ec2ops/core/jobs';
import { section } from '@ec2ops/core/slack';
import { untagResources } from '../../ec2/tags';
import type { CommandExecutor } from '../context';
import { requireAddress } from './eip-find';

/** `/ec2 eip unkeep <allocation-id|ip>`: remove keep=true; an address not kept is left as it is. */
export const eipUnkeep: CommandExecutor<'eip unkeep'> = async ({ request, config, ec2 }) => {
  const keys = eipTagKeys(config.tagPrefix);
  const { region, client, address } = await requireAddress(ec2, request.args.address);
  const label = addressLabel(address, region);
  if (!(keys.keep in address.tags)) {
    const text = `${label} is not kept (no ${keys.keep} tag): nothing to remove.`;
    return { text, blocks: section(text) };
  }
  const was = isKept(address, keys) ? '' : ` (it was ${keys.keep}=${address.tags[keys.keep]})`;
  await untagResources(client, [address.allocationId!], [keys.keep]);
  const text = `${label} is no longer kept${was}: when idle, cleanup releases it after the grace period.`;
  return { text, blocks: section(text) };
};
