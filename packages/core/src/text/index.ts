// The public face of core's text/: what other packages import (package.json `exports`).
export * from './suggest';
