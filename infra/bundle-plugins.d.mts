import type { Plugin } from 'esbuild';

export declare const requireBuiltins: Plugin;
declare const plugins: Plugin[];
export default plugins;
