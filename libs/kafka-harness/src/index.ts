export * from './cluster';
export * from './errors';
export * from './fetch-kafka';
export * from './versions';
export * from './tools';
export { isAlive } from './process';
export * from './cpu-limit';
