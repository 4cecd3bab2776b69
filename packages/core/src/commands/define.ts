import type { CommandSpec } from './types';

/** A spec whose name keeps its literal type, so command names are derived from the specs. */
export type NamedCommandSpec<N extends string> = CommandSpec & { name: N };

/** Declares a command spec (a no-op at run time): `export const stop = defineCommand({ name: 'stop', … })`. */
export function defineCommand<const N extends string>(spec: NamedCommandSpec<N>): NamedCommandSpec<N> {
  return spec;
}
