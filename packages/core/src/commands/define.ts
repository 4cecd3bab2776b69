import type { ArgSpec, CommandSpec } from './types';

/** A spec whose name keeps its literal type, so command names are derived from the specs. */
export type NamedCommandSpec<N extends string> = CommandSpec & { name: N };

/**
 * Declares a command spec (a no-op at run time): `export const stop = defineCommand({ name: 'stop', … })`.
 * The spec keeps its literal types (name, argument names, required, enum values), so the
 * arguments an executor receives are typed from it (`ArgsOf`).
 */
export function defineCommand<const S extends CommandSpec>(spec: S): S {
  return spec;
}

/** Declares an argument shared by several specs, keeping its literal name and flags for `ArgsOf`. */
export function defineArg<const A extends ArgSpec>(arg: A): A {
  return arg;
}
