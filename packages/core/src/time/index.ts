// The public face of core's time/: what other packages import (package.json `exports`).
export * from './durations';
export * from './instant';
export * from './zoned';
