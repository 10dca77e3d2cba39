export * from './heartbeat.job';
export * from './job';
export * from './queue-worker';
export * from './worker-config';
export * from './metrics-server';
