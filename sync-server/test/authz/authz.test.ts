import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness.ts';
import { callers, type Case, type CallerKind, type World } from './matrix.ts';
import { identityCases } from './identity.cases.ts';
import { catalogCases } from './catalog.cases.ts';
import { learningCases } from './learning.cases.ts';
import { syncCases } from './sync.cases.ts';
import { contentCases } from './content.cases.ts';
import { analyticsCases } from './analytics.cases.ts';
import { lrsCases } from './lrs.cases.ts';
import { paymentsCases } from './payments.cases.ts';
import { paymentsAdminCases } from './payments-admin.cases.ts';
import { paymentOffersCases } from './payment-offers.cases.ts';
import { scheduleCases } from './schedule.cases.ts';
import { notificationsCases } from './notifications.cases.ts';
import { courseWorld } from './world.ts';

/**
 * Walks every route in the OpenAPI document with no token, a student's, another student's, a non-owning
 * instructor's, the course owner's and an admin's, and checks each answer against the table of cases.
 */
const cases: Record<string, Case> = {
  ...identityCases,
  ...catalogCases,
  ...learningCases,
  ...analyticsCases,
  ...lrsCases,
  ...syncCases,
  ...contentCases,
  ...paymentsCases,
  ...paymentOffersCases,
  ...paymentsAdminCases,
  ...scheduleCases,
  ...notificationsCases,
};

let t: TestServer;
let world: World;
let operations: { method: string; path: string; operationId: string }[] = [];

beforeAll(async () => {
  t = await startTestServer();
  world = await courseWorld(t);
  const doc = (
    await t.api<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      'GET',
      '/api/openapi.json',
    )
  ).body;
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      operationId: op.operationId,
    })),
  );
});
afterAll(() => t.close());

function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for path parameter ${name} in ${path}`);
    return encodeURIComponent(v);
  });
}

describe('authorization of every route', () => {
  it('has a case for every operation in the OpenAPI document', () => {
    const missing = operations.map((o) => o.operationId).filter((id) => !cases[id]);
    expect(missing).toEqual([]);
    expect(operations.length).toBeGreaterThan(10);
  });

  it('answers every caller as the table says', async () => {
    const mismatches: string[] = [];
    for (const op of operations) {
      const c = cases[op.operationId];
      if (!c) continue;
      for (const who of callers) {
        const req = await c.request(world, who);
        const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
        const token = who === 'anon' ? undefined : world.accounts[who as Exclude<CallerKind, 'anon'>].token;
        const res = await t.api(op.method, fillPath(op.path, req.params) + query, { token, body: req.body });
        // A password change ends every session of the account, the caller's too; it answers with a new one.
        if (op.operationId === 'changePassword' && res.status === 200 && who !== 'anon')
          world.accounts[who].token = (res.body as { accessToken: string }).accessToken;
        const want = c.expect[who];
        const ok = Array.isArray(want) ? want.includes(res.status) : res.status === want;
        if (!ok)
          mismatches.push(
            `${op.operationId} as ${who}: got ${res.status}, want ${String(want)} ${JSON.stringify(res.body).slice(0, 160)}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
    // Six callers × every operation, one after another (some cases buy a course through the sandbox): more than
    // the default 30 s on a busy 2-core machine.
  }, 180_000);
});
