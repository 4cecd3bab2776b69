export * from './messages';
export * from './token';
