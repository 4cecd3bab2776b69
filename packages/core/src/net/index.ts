// The public face of core's net/: what other packages import (package.json `exports`).
export * from './cidr';
export * from './ports';
