export * from './errors';
export * from './kafka-admin';
export * from './probe-client';
export * from './types';
export * from './broker-probe';
