import { Resource } from 'sst/resource';

/**
 * The `sst.Secret`s infra links (infra/secrets.ts), by their SST names. Each function is linked
 * only to those it uses: the bot token to the slack function, the worker and the jobs; the
 * signing secret to the slack function and the worker.
 */
export type SecretName = 'SlackBotToken' | 'SlackSigningSecret';

/** Reads one secret: `linkedSecret` in every function; a unit test may pass its own. */
export type SecretSource = (name: SecretName) => string | undefined;

/**
 * A secret linked to this function, or undefined when it is not linked. SST's runtime SDK
 * resolves links once per process, at first use: on Lambda by decrypting `resource.enc`, which
 * `sst deploy` writes into the function's bundle, with the key in `SST_KEY`; under `sst dev`, and
 * in the sandbox and tests, from `SST_RESOURCE_<Name>` (the link's properties as JSON). No
 * secret is a plain environment variable, so the function's configuration does not show it.
 * `sst/resource` rather than `sst`: the package index also brings SST's realtime and vector clients.
 */
export const linkedSecret: SecretSource = (name) => {
  if (!(name in Resource)) return undefined;
  const { value } = (Resource as unknown as Record<SecretName, { value?: unknown }>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
