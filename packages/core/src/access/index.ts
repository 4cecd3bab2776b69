// The public face of core's access/: what other packages import (package.json `exports`).
export * from './closed-notice';
export * from './list-view';
export * from './policy';
export * from './rules';
