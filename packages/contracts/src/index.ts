export * from './errors.ts';
export * from './common.ts';
export * from './identity.ts';
export * from './quiz.ts';
export * from './catalog.ts';
export * from './enrollment.ts';
export * from './progress.ts';
export * from './sync.ts';
