import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { ledgerEntries } from './tables.ts';

/** A transaction (drizzle's tx) or the database, for a single statement. */
export type LedgerTx = Pick<Db, 'insert' | 'execute'>;

export interface LedgerEntry {
  orderId: string;
  kind: 'charge' | 'refund' | 'discount';
  /** Signed minor units: a charge is positive, a refund negative. */
  amountMinor: number;
  currency: string;
  /**
   * What makes this movement unique, e.g. `charge:<paymentIntentId>` or `refund:<refundId>`: recording the same key
   * twice records it once (a webhook delivered again).
   */
  entryKey: string;
  memo?: string;
}

/**
 * Record a money movement in the ledger, IN the caller's transaction (the one that changes the order). Answers
 * false when an entry with that key already exists (nothing written).
 */
export async function recordLedger(tx: LedgerTx, entry: LedgerEntry): Promise<boolean> {
  if (!Number.isInteger(entry.amountMinor)) throw new Error('Ledger amounts are integer minor units');
  if (entry.kind === 'refund' && entry.amountMinor > 0) throw new Error('A refund is a negative amount');
  if (entry.kind === 'charge' && entry.amountMinor < 0) throw new Error('A charge is a positive amount');
  const rows = await tx
    .insert(ledgerEntries)
    .values({ id: newId(), ...entry, memo: entry.memo ?? null })
    .onConflictDoNothing({ target: ledgerEntries.entryKey })
    .returning({ id: ledgerEntries.id });
  return rows.length > 0;
}

/** The ledger's totals per currency (charges, refunds, net), for reconciliation and tests. */
export async function ledgerTotals(
  db: Pick<Db, 'execute'>,
): Promise<{ currency: string; charged: number; refunded: number; net: number }[]> {
  const r = await db.execute<{ currency: string; charged: number; refunded: number; net: number }>(sql`
    SELECT currency,
           coalesce(sum(amount_minor) FILTER (WHERE kind = 'charge'), 0)::int AS charged,
           coalesce(-sum(amount_minor) FILTER (WHERE kind = 'refund'), 0)::int AS refunded,
           coalesce(sum(amount_minor) FILTER (WHERE kind <> 'discount'), 0)::int AS net
      FROM ledger_entries GROUP BY currency ORDER BY currency`);
  return r.rows;
}
