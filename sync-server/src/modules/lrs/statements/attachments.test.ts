import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, generateKeyPairSync, createSign } from 'node:crypto';
import { startLrsTest, statement, type LrsTest } from '../test-support.ts';
import { buildMultipart, parseMultipart } from './multipart.ts';

/** xAPI 1.0.3 Data 2.4.11 (attachments), 2.6 (signed statements), Communication 1.5.2 (multipart/mixed). */
let l: LrsTest;
const S = '/xapi/statements';
beforeAll(async () => {
  l = await startLrsTest();
});
afterAll(() => l.close());

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const declare = (
  body: Buffer,
  usageType = 'http://example.com/attachment-usage/test',
  contentType = 'text/plain',
) => ({
  usageType,
  display: { 'en-US': 'A test attachment' },
  contentType,
  length: body.length,
  sha2: sha256(body),
});
const multipart = (
  statements: unknown,
  parts: { body: Buffer; type?: string; hash?: string; encoding?: string | null }[],
) =>
  buildMultipart([
    { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(statements)) },
    ...parts.map((p) => ({
      headers: {
        'Content-Type': p.type ?? 'text/plain',
        ...(p.encoding === null ? {} : { 'Content-Transfer-Encoding': p.encoding ?? 'binary' }),
        'X-Experience-API-Hash': p.hash ?? sha256(p.body),
      },
      body: p.body,
    })),
  ]);
const post = (mp: { boundary: string; body: Buffer }) =>
  l.x('POST', S, { raw: mp.body, contentType: `multipart/mixed; boundary=${mp.boundary}` });

describe('Communication 1.5.2 attachments', () => {
  it('stores a statement with its attachment (sha2 matching) and answers it with attachments=true', async () => {
    const file = Buffer.from('here is a simple attachment');
    const s = statement({ attachments: [declare(file)] });
    expect((await post(multipart(s, [{ body: file }]))).status).toBe(200);
    const plain = await l.x('GET', `${S}?statementId=${String(s.id)}`);
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    const r = await l.x('GET', `${S}?statementId=${String(s.id)}&attachments=true`);
    expect(r.status).toBe(200);
    const type = r.headers.get('content-type') ?? '';
    expect(type).toMatch(/^multipart\/mixed; boundary=/);
    const [json, part] = parseMultipart(r.bytes, type);
    expect(JSON.parse(json!.body.toString())).toMatchObject({ id: s.id });
    expect(part!.headers['x-experience-api-hash']).toBe(sha256(file));
    expect(part!.body.equals(file)).toBe(true);
  });
  it('a fileUrl attachment needs no part', async () => {
    const s = statement({
      attachments: [{ ...declare(Buffer.from('x')), fileUrl: 'http://example.com/files/x.txt' }],
    });
    expect((await l.x('POST', S, { body: s })).status).toBe(200);
  });
  it('refuses a missing part, a stray part, a wrong hash and a part without binary encoding (400)', async () => {
    const file = Buffer.from('attachment bytes');
    const s = () => statement({ attachments: [declare(file)] });
    expect((await l.x('POST', S, { body: s() })).status).toBe(400);
    expect((await post(multipart(statement(), [{ body: file }]))).status).toBe(400);
    expect((await post(multipart(s(), [{ body: file, hash: sha256(Buffer.from('other')) }]))).status).toBe(
      400,
    );
    expect((await post(multipart(s(), [{ body: file, encoding: null }]))).status).toBe(400);
    const noJson = buildMultipart([{ headers: { 'Content-Type': 'text/plain' }, body: file }]);
    expect((await post(noJson)).status).toBe(400);
  });
});

describe('Data 2.6 signed statements', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const b64 = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  const sign = (payload: unknown, alg = 'RS256', key = privateKey) => {
    const input = `${b64({ alg, jwk })}.${b64(payload)}`;
    const hash = { RS256: 'RSA-SHA256', RS384: 'RSA-SHA384', RS512: 'RSA-SHA512' }[alg] ?? 'RSA-SHA256';
    return Buffer.from(`${input}.${createSign(hash).update(input).sign(key).toString('base64url')}`);
  };
  const signed = (payloadOver: Record<string, unknown> = {}, alg = 'RS256', key = privateKey) => {
    const s = statement();
    const jws = sign({ ...s, ...payloadOver }, alg, key);
    const withSig = {
      ...s,
      attachments: [
        declare(jws, 'http://adlnet.gov/expapi/attachments/signature', 'application/octet-stream'),
      ],
    };
    return multipart(withSig, [{ body: jws, type: 'application/octet-stream' }]);
  };

  it('verifies RS256, RS384 and RS512 signatures over the statement', async () => {
    for (const alg of ['RS256', 'RS384', 'RS512']) expect((await post(signed({}, alg))).status).toBe(200);
  });
  it('refuses a payload that is not the statement, another algorithm, a bad signature, a malformed JWS', async () => {
    expect((await post(signed({ verb: { id: 'http://x.org/forged' } }))).status).toBe(400);
    expect((await post(signed({}, 'HS256'))).status).toBe(400);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const r = await post(signed({}, 'RS256', other));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      error: { code: 'validation_failed', message: expect.stringMatching(/signature/) },
    });
    const s = statement();
    const junk = Buffer.from('not-a-jws');
    const withJunk = {
      ...s,
      attachments: [
        declare(junk, 'http://adlnet.gov/expapi/attachments/signature', 'application/octet-stream'),
      ],
    };
    expect((await post(multipart(withJunk, [{ body: junk, type: 'application/octet-stream' }]))).status).toBe(
      400,
    );
  });
});
