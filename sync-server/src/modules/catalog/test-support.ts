import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { CourseSearchResult, ErrorBody } from '@lyceum/contracts';
import type { TestServer } from '../../../test/harness.ts';
import { createHttpApp } from '../../http/app.ts';
import { createCatalogModule, type CatalogModule } from './index.ts';

/**
 * A catalog module of its own over the test server's database, with enrollments decided by a plain Set the test
 * controls ("courseId:userId"), served over HTTP with the real authenticator. Lets catalog tests cover enrolled-only
 * behaviour without depending on how the enrollment module admits students.
 */
export async function standaloneCatalog(
  t: TestServer,
  opts: { cacheTtlMs?: number; searchHeadSize?: number } = {},
) {
  const enrolled = new Set<string>();
  const s = t.server;
  const catalog: CatalogModule = createCatalogModule({
    config: s.config,
    db: s.database.db,
    pool: s.database.pool,
    logger: s.logger,
    mailer: { send: async () => {} },
    users: s.identity.accounts,
    isEnrolled: async (courseId, userId) => enrolled.has(`${courseId}:${userId}`),
    countEnrollments: async (courseId) => [...enrolled].filter((k) => k.startsWith(`${courseId}:`)).length,
    cacheTtlMs: opts.cacheTtlMs,
    searchHeadSize: opts.searchHeadSize,
  });
  const app = createHttpApp({
    routes: catalog.routes,
    auth: s.identity.authenticator,
    logger: s.logger,
    corsOrigins: [],
    validateResponses: true,
    ready: async () => true,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = async <T = unknown>(method: string, p: string, o: { token?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + p, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    catalog,
    api,
    enroll: (courseId: string, userId: string) => void enrolled.add(`${courseId}:${userId}`),
    unenroll: (courseId: string, userId: string) => void enrolled.delete(`${courseId}:${userId}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type StandaloneCatalog = Awaited<ReturnType<typeof standaloneCatalog>>;

/** GET /api/v1/courses?`qs` on a catalog, which must answer 200 (the query is named when it does not). */
export async function searchOn(engine: StandaloneCatalog, qs: string): Promise<CourseSearchResult> {
  const r = await engine.api<CourseSearchResult & ErrorBody>('GET', `/api/v1/courses?${qs}`);
  expect(r.status, qs).toBe(200);
  return r.body;
}

/** A result's courses by the short names a test gave them (`?title` for a course it did not name). */
export const namesIn = (name: ReadonlyMap<string, string>, r: CourseSearchResult): string[] =>
  r.items.map((i) => name.get(i.id) ?? `?${i.title}`);

/** Close the catalogs a search test opened, then its test server. */
export async function closeCatalogs(t: TestServer, catalogs: StandaloneCatalog[]): Promise<void> {
  for (const c of catalogs) await c.close();
  await t.close();
}
