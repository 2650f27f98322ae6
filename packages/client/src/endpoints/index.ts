import { identityEndpoints } from './identity.ts';

export const endpoints = {
  ...identityEndpoints,
} as const;
export type Endpoints = typeof endpoints;
export type OperationId = keyof Endpoints;
