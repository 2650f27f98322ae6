import { describe, expect, it } from 'vitest';
import { urlSigner } from './signing.ts';

// verify() remembers signatures it has checked; what it remembers must never widen what it accepts.
describe('signed URL verification', () => {
  const signer = urlSigner('x'.repeat(48));
  const now = 1_800_000_000;
  const q = signer.sign('assets/abc/', now + 60);
  const query = { scope: q.scope, exp: String(q.exp), sig: q.sig };

  it('accepts a valid signature again and again, and refuses it once expired', () => {
    for (let i = 0; i < 3; i++) expect(signer.verify('assets/abc/hls/seg-1.m4s', query, now)).toBe('ok');
    expect(signer.verify('assets/abc/hls/seg-1.m4s', query, now + 61)).toBe('expired');
  });

  it('refuses, after a valid use, the same signature outside its scope or with anything changed', () => {
    expect(signer.verify('assets/abc/poster.jpg', query, now)).toBe('ok');
    expect(signer.verify('assets/abd/poster.jpg', query, now)).toBe('invalid');
    expect(signer.verify('assets/abc/poster.jpg', { ...query, exp: String(q.exp + 1) }, now)).toBe('invalid');
    expect(
      signer.verify(
        'assets/abc/poster.jpg',
        { ...query, sig: (q.sig[0] === 'A' ? 'B' : 'A') + q.sig.slice(1) },
        now,
      ),
    ).toBe('invalid');
    expect(signer.verify('assets/x', { ...query, scope: 'assets/' }, now)).toBe('invalid');
    // Another key's signer never accepts it, whatever this one remembers.
    expect(urlSigner('y'.repeat(48)).verify('assets/abc/poster.jpg', query, now)).toBe('invalid');
  });
});
