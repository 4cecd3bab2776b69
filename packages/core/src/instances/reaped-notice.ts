/**
 * What the owner of an instance is told when it was stopped or terminated at its TTL, whichever
 * enforcement acted (its expiry schedule on time, or the instance-reaper as the backstop).
 * `label` is instanceLabel's `id (Name)`.
 */
export function instanceReapedNotice(
  instance: { id: string; label: string; region: string },
  expiresAt: string,
  action: 'stop' | 'terminate',
): string {
  const next =
    action === 'stop'
      ? `\`/ec2 extend ${instance.id} 2h\` then \`/ec2 start ${instance.id}\` brings it back.`
      : 'Its root volume is deleted with it.';
  return `Your instance ${instance.label} in ${instance.region} expired (${expiresAt}) and was ${action === 'stop' ? 'stopped' : 'terminated'}. ${next}`;
}
