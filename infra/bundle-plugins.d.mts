import type { Plugin } from 'esbuild';

export declare const requireBuiltins: Plugin;
export declare const literalSchemaKeys: Plugin;
export declare function literalSchemaKeySource(source: string): string;
declare const plugins: Plugin[];
export default plugins;
