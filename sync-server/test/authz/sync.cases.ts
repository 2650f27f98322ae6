import { randomUUID } from 'node:crypto';
import type { Case } from './matrix.ts';
import { signedIn } from './matrix.ts';

/** Sync works on the caller's own scope only: any signed-in account may pull and push for its own device. */
export const syncCases: Record<string, Case> = {
  syncPull: { request: () => ({ body: { deviceId: randomUUID(), cursor: null } }), expect: signedIn(200) },
  syncPush: { request: () => ({ body: { deviceId: randomUUID(), mutations: [] } }), expect: signedIn(200) },
};
