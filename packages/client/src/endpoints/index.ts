import { identityEndpoints } from './identity.ts';
import { learningEndpoints } from './learning.ts';
import { catalogEndpoints } from './catalog.ts';
import { analyticsEndpoints } from './analytics.ts';
import { paymentEndpoints } from './payments.ts';
import { paymentOfferEndpoints } from './payment-offers.ts';
import { paymentAdminEndpoints } from './payments-admin.ts';
import { syncEndpoints } from './sync.ts';
import { contentEndpoints } from './content.ts';
import { notificationEndpoints } from './notifications.ts';

export const endpoints = {
  ...identityEndpoints,
  ...learningEndpoints,
  ...catalogEndpoints,
  ...analyticsEndpoints,
  ...paymentEndpoints,
  ...paymentOfferEndpoints,
  ...paymentAdminEndpoints,
  ...syncEndpoints,
  ...contentEndpoints,
  ...notificationEndpoints,
} as const;
export type Endpoints = typeof endpoints;
export type OperationId = keyof Endpoints;
export { serviceEndpoints } from './service.ts';
