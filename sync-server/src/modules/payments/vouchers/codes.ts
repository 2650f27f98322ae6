import { createHash, randomBytes } from 'node:crypto';
import { VOUCHER_ALPHABET, formatVoucherCode, normaliseVoucherCode } from '@lyceum/contracts';

export { formatVoucherCode, normaliseVoucherCode };

/** A new code: 16 Crockford base32 characters from 80 random bits (5 bits a character), normalised. */
export function newVoucherCode(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 15; i >= 0; i--) out += VOUCHER_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return out;
}

/** hex SHA-256 of a normalised code: what devices verify offline and what redemption looks up. */
export const voucherHash = (normalised: string): string =>
  createHash('sha256').update(normalised, 'utf8').digest('hex');
