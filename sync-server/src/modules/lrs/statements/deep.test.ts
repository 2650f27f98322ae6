import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLrsTest, statement, type LrsTest } from '../test-support.ts';

/** A body nested thousands of levels deep is refused with 400 before anything walks it (it answered 500). */
let l: LrsTest;
beforeAll(async () => {
  l = await startLrsTest();
});
afterAll(() => l.close());

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('deeply nested JSON', () => {
  it('answers 400 validation_failed, as a body, a multipart part and an alternate-syntax form field', async () => {
    for (const depth of [5000, 50_000]) {
      const r = await l.x('POST', '/xapi/statements', { body: deep(depth) });
      expect(r.status, `depth ${depth}`).toBe(400);
      expect(r.body).toMatchObject({ error: { code: 'validation_failed' } });
    }
    const boundary = 'deep-boundary';
    const multipart = Buffer.from(
      `--${boundary}\r\nContent-Type: application/json\r\n\r\n${deep(5000)}\r\n--${boundary}--\r\n`,
    );
    const m = await l.x('POST', '/xapi/statements', {
      raw: multipart,
      contentType: `multipart/mixed; boundary=${boundary}`,
    });
    expect(m.status).toBe(400);
    const form = new URLSearchParams({ content: deep(5000), 'X-Experience-API-Version': '1.0.3' });
    const f = await l.x('POST', '/xapi/statements?method=POST', {
      raw: Buffer.from(form.toString()),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(f.status).toBe(400);
    // A statement with a reasonably deep extension is still taken.
    let ext: unknown = 'leaf';
    for (let i = 0; i < 40; i++) ext = { n: ext };
    const s = statement();
    const ok = await l.x('POST', '/xapi/statements', {
      body: { ...s, result: { extensions: { 'http://example.com/deep': ext } } },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});
