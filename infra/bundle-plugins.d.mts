import type { Plugin } from 'esbuild';

export declare const requireHttpBuiltins: Plugin;
declare const plugins: Plugin[];
export default plugins;
