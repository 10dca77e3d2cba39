export * from './access';
export * from './kafka-admins';
export * from './names';
export * from './tenancy-queue';
export * from './tenancy.error';
export * from './jobs';
export * from './tenancy.metrics';
