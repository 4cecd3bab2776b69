// The public face of core's audit/: what other packages import (package.json `exports`).
export * from './record';
