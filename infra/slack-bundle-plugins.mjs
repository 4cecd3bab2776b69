// esbuild plugins for the slack function's bundle (SST's `nodejs.plugins`, relative to
// sst.config.ts; also used by the bundle test and `npm run bench`).
//
// Bolt's App module loads its HTTP and Socket Mode receivers at import time, although it
// constructs one only when it is given no receiver. The slack function always passes its
// AwsLambdaReceiver, so those two never run on Lambda; with them come Socket Mode's WebSocket
// client (undici), raw-body with iconv-lite, and @slack/oauth with jsonwebtoken: most of the
// bundle and its cold start. They are replaced by a class that fails loudly if ever constructed.
import { literalSchemaKeys, requireBuiltins } from './bundle-plugins.mjs';

const UNUSED_RECEIVER = /^\.\/receivers\/(HTTPReceiver|SocketModeReceiver)$/;
const BOLT_APP = /[\\/]@slack[\\/]bolt[\\/]dist[\\/]App\.js$/;
const NAMESPACE = 'ec2ops-unused-receiver';

export const leaveOutUnusedBoltReceivers = {
  name: 'leave-out-unused-bolt-receivers',
  setup(build) {
    build.onResolve({ filter: UNUSED_RECEIVER }, (args) =>
      BOLT_APP.test(args.importer) ? { path: args.path, namespace: NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      loader: 'js',
      contents: `
        class UnusedReceiver {
          constructor() {
            throw new Error(${JSON.stringify(`${args.path} is left out of the slack function's bundle: pass a receiver to App`)});
          }
        }
        module.exports = { __esModule: true, default: UnusedReceiver };`,
    }));
  },
};

export default [leaveOutUnusedBoltReceivers, requireBuiltins, literalSchemaKeys];
