import type { Plugin } from 'esbuild';

export declare const leaveOutUnusedBoltReceivers: Plugin;
declare const plugins: Plugin[];
export default plugins;
