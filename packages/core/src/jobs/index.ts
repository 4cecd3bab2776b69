// The public face of core's jobs/: what other packages import (package.json `exports`).
export * from './ami-bake/bake-day';
export * from './ami-bake/list-view';
export * from './ami-bake/naming';
export * from './ami-bake/observation';
export * from './ami-bake/plan';
export * from './ami-bake/report';
export * from './ami-bake/retention';
export * from './ami-bake/sources';
export * from './ami-bake/tags';
export * from './eip-cleanup/plan';
export * from './eip-cleanup/summary';
export * from './instance-reaper/plan';
export * from './port-sweep/plan';
export * from './report';
export * from './slack-report';
export * from './types';
