// The public face of core's forecast/: what other packages import (package.json `exports`).

export * from './request';
export * from './rules';
export * from './timeline';
