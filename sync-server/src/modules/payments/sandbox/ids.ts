import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Stripe-looking object ids (`cs_test_…`, `pi_…`, `evt_…`): a prefix and 24 random base62 characters. */
export function sandboxId(prefix: string): string {
  const bytes = randomBytes(24);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${s}`;
}

/** The charge of a sandbox payment intent shares its suffix (one charge per intent). */
export const chargeIdOf = (paymentIntentId: string): string => `ch_${paymentIntentId.slice(3)}`;
