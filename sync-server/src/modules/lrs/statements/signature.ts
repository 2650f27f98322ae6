import { X509Certificate, createPublicKey, createVerify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { isObject, type Json } from '../validation/check.ts';
import { sameStatement } from './compare.ts';

export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';
const HASHES: Record<string, string> = { RS256: 'RSA-SHA256', RS384: 'RSA-SHA384', RS512: 'RSA-SHA512' };

const b64json = (s: string): unknown => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

/** The statement as it was before its signature was attached: the signature attachment left out. */
function unsigned(s: Json): Json {
  const { attachments, ...rest } = s;
  const others = Array.isArray(attachments)
    ? attachments.filter((a) => !(isObject(a) && a.usageType === SIGNATURE_USAGE))
    : [];
  return others.length ? { ...rest, attachments: others } : rest;
}

/**
 * A signed statement (xAPI-Data 2.6): the signature is a JWS in compact serialisation, RS256, RS384 or RS512, whose
 * payload is the statement as sent (without its signature attachment); when its header carries an X.509 chain
 * (x5c) or a key (jwk), the signature must verify with it. Resolves with the problem, or null.
 */
export async function verifySignature(jws: string, statement: Json): Promise<string | null> {
  const segments = jws.trim().split('.');
  if (segments.length !== 3) return 'not a JWS in compact serialisation';
  const [head, payload, sig] = segments as [string, string, string];
  let header: unknown;
  let body: unknown;
  try {
    header = b64json(head);
    body = b64json(payload);
  } catch {
    return 'the JWS header or payload is not base64url JSON';
  }
  if (!isObject(header) || typeof header.alg !== 'string' || !HASHES[header.alg])
    return 'the JWS algorithm must be RS256, RS384 or RS512';
  if (
    !isObject(body) ||
    !sameStatement(unsigned(statement), body) ||
    (body.id !== undefined && body.id !== statement.id)
  )
    return 'the JWS payload is not the statement';
  let key: KeyObject | null = null;
  try {
    if (Array.isArray(header.x5c) && typeof header.x5c[0] === 'string')
      key = new X509Certificate(Buffer.from(header.x5c[0], 'base64')).publicKey;
    else if (isObject(header.jwk)) key = createPublicKey({ key: header.jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return 'the key in the JWS header (x5c or jwk) cannot be read';
  }
  if (key) {
    const ok = createVerify(HASHES[header.alg]!)
      .update(`${head}.${payload}`)
      .verify(key, Buffer.from(sig, 'base64url'));
    if (!ok) return 'the signature does not verify with the key in its header';
  }
  return null;
}
