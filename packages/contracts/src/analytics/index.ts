export * from './statement.ts';
export * from './verbs.ts';
export * from './event.ts';
export * from './collector.ts';
export * from './insights.ts';
export * from './dashboard.ts';
export * from './learning-statements.ts';
