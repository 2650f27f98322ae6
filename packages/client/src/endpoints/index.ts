import { identityEndpoints } from './identity.ts';
import { learningEndpoints } from './learning.ts';
import { catalogEndpoints } from './catalog.ts';
import { analyticsEndpoints } from './analytics.ts';
import { paymentEndpoints } from './payments.ts';
import { paymentOfferEndpoints } from './payment-offers.ts';
import { paymentAdminEndpoints } from './payments-admin.ts';

export const endpoints = {
  ...identityEndpoints,
  ...learningEndpoints,
  ...catalogEndpoints,
  ...analyticsEndpoints,
  ...paymentEndpoints,
  ...paymentOfferEndpoints,
  ...paymentAdminEndpoints,
} as const;
export type Endpoints = typeof endpoints;
export type OperationId = keyof Endpoints;
