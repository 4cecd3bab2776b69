export * from './config/roles';
export * from './config/schema';
export * from './errors';
export * from './time/durations';
