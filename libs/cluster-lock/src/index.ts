export * from './cluster-lock';
