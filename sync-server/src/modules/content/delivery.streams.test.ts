import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { newId } from '../../lib/ids.ts';
import { sha256 } from './test-support.ts';

// The delivery route opens each file once and hands the descriptor to the response stream: whatever way a response
// ends (complete, HEAD, 304, range, client gone mid-body), no file of the store may stay open.
let t: TestServer;
let root: string;
let segPath: string;
const bytes = randomBytes(6 * 1024 * 1024);

const openInStore = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(root);
    } catch {
      return false;
    }
  }).length;

function request(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; abortAfterFirstChunk?: boolean } = {},
): Promise<{ status: number; body: Buffer; aborted: boolean }> {
  const u = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          parts.push(c);
          if (opts.abortAfterFirstChunk) {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), aborted: true });
          }
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), aborted: false }),
        );
        res.on('error', () => {});
      },
    );
    req.on('error', (e) => (opts.abortAfterFirstChunk ? undefined : reject(e)));
    req.end();
  });
}

beforeAll(async () => {
  t = await startTestServer();
  const id = newId();
  const key = `assets/${id}/hls/720p/seg-0001.m4s`;
  await t.server.content.storage.put(key, bytes, 'video/iso.segment');
  root = t.server.content.storage.localPath!(key)!.slice(0, -key.length);
  const s = t.server.content.signer.sign(`assets/${id}/`, Math.floor(Date.now() / 1000) + 600);
  segPath = `/content/t/${s.exp}/${s.sig}/${key}`;
});
afterAll(async () => {
  await t.close();
});

describe.skipIf(!existsSync('/proc/self/fd'))('content delivery streams', () => {
  it('serve whole bodies, ranges, HEAD and 304 answers, and clients leaving mid-body, leaving no file open', async () => {
    const whole = await request(segPath);
    expect(whole.status).toBe(200);
    expect(sha256(whole.body)).toBe(sha256(bytes));
    const etag = `"${sha256(bytes)}"`;
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      runs.push(
        request(segPath, { abortAfterFirstChunk: true }),
        request(segPath, { method: 'HEAD' }).then((r) => expect(r.status).toBe(200)),
        request(segPath, { headers: { 'if-none-match': etag } }).then((r) => expect(r.status).toBe(304)),
        request(segPath, { headers: { range: `bytes=${i * 1000}-${i * 1000 + 99}` } }).then((r) => {
          expect(r.status).toBe(206);
          expect(r.body.equals(bytes.subarray(i * 1000, i * 1000 + 100))).toBe(true);
        }),
      );
    }
    await Promise.all(runs);
    const deadline = Date.now() + 5000;
    while (openInStore() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(openInStore()).toBe(0);
  });
});
