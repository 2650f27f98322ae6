import { z } from 'zod';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** Service probes outside the versioned API (and its OpenAPI document): liveness for connectivity checks. */
export const serviceEndpoints = {
  health: {
    method: 'GET',
    path: '/health',
    response: z.object({ status: z.string() }),
    auth: false,
  },
} as const satisfies Record<string, AnyEndpoint>;
