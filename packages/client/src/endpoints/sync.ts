import type { z } from 'zod';
import { PullRequest, PullResponse, PushRequest, PushResponse } from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** The sync protocol (ARCHITECTURE.md §4): a device pulls the changes in its scope and pushes its outbox. */
export const syncEndpoints = {
  syncPull: { method: 'POST', path: '/api/v1/sync/pull', body: PullRequest, response: PullResponse },
  syncPush: { method: 'POST', path: '/api/v1/sync/push', body: PushRequest, response: PushResponse },
} as const satisfies Record<string, AnyEndpoint>;
