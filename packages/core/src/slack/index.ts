// The public face of core's slack/: what other packages import (package.json `exports`).
export * from './actions';
export * from './blocks';
export * from './error-message';
export * from './escape';
export * from './ids';
export * from './paging';
export * from './row-pages';
