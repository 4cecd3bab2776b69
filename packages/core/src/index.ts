export * from './config/durations';
export * from './config/roles';
export * from './config/schema';
export * from './errors';
