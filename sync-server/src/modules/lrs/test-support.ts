import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../../test/harness.ts';

export interface LrsTest {
  t: TestServer;
  basic: string;
  /** A request to the LRS as the test's xAPI client, X-Experience-API-Version 1.0.3 unless told otherwise. */
  x: <T = unknown>(
    method: string,
    path: string,
    opts?: {
      body?: unknown;
      raw?: Buffer;
      contentType?: string;
      headers?: Record<string, string>;
      version?: string | null;
    },
  ) => Promise<{ status: number; body: T; headers: Headers; text: string; bytes: Buffer }>;
  close(): Promise<void>;
}

/** The whole server (real PostgreSQL), with one xAPI client's credentials. */
export async function startLrsTest(env: Record<string, string> = {}): Promise<LrsTest> {
  const t = await startTestServer(env);
  const admin = await t.user('admin');
  const client = await t.server.collector.xapiClients.create('LRS test tool', admin.id);
  const basic = `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`;
  const x: LrsTest['x'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { authorization: basic, ...opts.headers };
    if (opts.version !== null) headers['x-experience-api-version'] = opts.version ?? '1.0.3';
    let body: string | Buffer | undefined;
    if (opts.raw) {
      body = opts.raw;
      headers['content-type'] = opts.contentType ?? 'application/octet-stream';
    } else if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    const res = await fetch(t.url + path, { method, headers, body });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    const parsed: unknown =
      (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    return { status: res.status, body: parsed as never, headers: res.headers, text, bytes };
  };
  return { t, basic, x, close: () => t.close() };
}

/** A minimal valid statement about an outside activity, with its own id. */
export function statement(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', name: 'Ana', mbox: 'mailto:ana@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { 'en-US': 'attempted' } },
    object: { id: 'http://example.org/activities/quiz-1', definition: { name: { 'en-US': 'Quiz 1' } } },
    timestamp: '2026-11-20T10:00:00.000Z',
    ...over,
  };
}

export const voiding = (target: string, over: Record<string, unknown> = {}) =>
  statement({
    verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } },
    object: { objectType: 'StatementRef', id: target },
    ...over,
  });
