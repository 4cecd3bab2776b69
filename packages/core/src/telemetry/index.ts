// The public face of core's telemetry/: what other packages import (package.json `exports`).

export * from './heartbeat';
export * from './job-metrics';
export * from './metrics';
