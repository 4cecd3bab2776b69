// The public face of core's instances/: what other packages import (package.json `exports`).
export * from './access';
export * from './deprecated-image';
export * from './images';
export * from './launch';
export * from './lifecycle';
export * from './list-view';
export * from './messages';
export * from './reaped-notice';
export * from './tags';
