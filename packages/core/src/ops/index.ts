// The public face of core's ops/: what other packages import (package.json `exports`).
export * from './alarm-message';
export * from './expire-policy';
export * from './expiry-schedule';
export * from './status';
