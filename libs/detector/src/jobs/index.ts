export * from './detector-round.job';
export * from './mitigate.job';
export * from './operator-override.job';
