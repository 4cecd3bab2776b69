// The public face of core's config/: what other packages import (package.json `exports`).
export * from './access';
export * from './bake';
export * from './eip';
export * from './fleet';
export * from './jobs';
export * from './launch';
export * from './reaper';
export * from './roles';
export * from './sandbox-stage';
export * from './schema';
export * from './slack';
