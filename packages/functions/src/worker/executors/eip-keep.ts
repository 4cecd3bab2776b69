import { addressLabel, isKept } from '@ec2ops/core/eip';
import { eipTagKeys } from '@ec2ops/core/jobs';
import { section } from '@ec2ops/core/slack';
import { tagResources } from '../../ec2/tags';
import type { CommandExecutor } from '../context';
import { requireAddress } from './eip-find';

/** `/ec2 eip keep <allocation-id|ip>`: tag keep=true; keeping twice changes nothing. */
export const eipKeep: CommandExecutor<'eip keep'> = async ({ request, config, ec2 }) => {
  const keys = eipTagKeys(config.tagPrefix);
  const { region, client, address } = await requireAddress(ec2, request.args.address);
  const label = addressLabel(address, region);
  if (isKept(address, keys)) {
    const text = `${label} is already kept (${keys.keep}=true).`;
    return { text, blocks: section(text) };
  }
  await tagResources(client, [address.allocationId!], { [keys.keep]: 'true' });
  const text = `Kept ${label}: tagged ${keys.keep}=true, so cleanup and \`/ec2 eip release\` leave it alone.`;
  return { text, blocks: section(text) };
};
