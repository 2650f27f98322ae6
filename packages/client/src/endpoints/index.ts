import { identityEndpoints } from './identity.ts';
import { learningEndpoints } from './learning.ts';
import { catalogEndpoints } from './catalog.ts';
import { analyticsEndpoints } from './analytics.ts';

export const endpoints = {
  ...identityEndpoints,
  ...learningEndpoints,
  ...catalogEndpoints,
  ...analyticsEndpoints,
} as const;
export type Endpoints = typeof endpoints;
export type OperationId = keyof Endpoints;
