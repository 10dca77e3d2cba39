export * from './move';
export * from './move-owner';
export * from './reassignment-executor';
export * from './reassignment.error';
export * from './reassignment.metrics';
export * from './throttle';
