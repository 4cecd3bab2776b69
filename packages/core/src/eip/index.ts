// The public face of core's eip/: what other packages import (package.json `exports`).
export * from './list-view';
export * from './policy';
