export * from './errors';
export * from './config';
export * from './logger';
export * from './node-version';
export * from './shutdown';
