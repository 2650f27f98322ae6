import { createHash } from 'node:crypto';

/** Hex sha256 of a normalised code (normaliseVoucherCode of @lyceum/contracts): what the verifier list holds. */
export const voucherHash = (normalised: string): string =>
  createHash('sha256').update(normalised, 'utf8').digest('hex');
