import { eq } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { User } from '@lyceum/contracts';
import type { SecretBox } from '../secret-box.ts';
import type { LocalDb } from './open.ts';

/** Migration 0006: one row per account that signed in online on this device (see offline-sign-in.ts). */
export const offlineVerifiers = sqliteTable('offline_verifiers', {
  email: text('email').primaryKey(),
  userId: text('user_id').notNull(),
  userJson: text('user_json').notNull(),
  verifier: text('verifier').notNull(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: text('locked_until'),
  updatedAt: text('updated_at').notNull(),
});

/** Migration 0006: sealed refresh tokens of sessions signed out while offline, to end on the server later. */
export const pendingRevocations = sqliteTable('pending_revocations', {
  tokenEnc: text('token_enc').primaryKey(),
  createdAt: text('created_at').notNull(),
});

export interface OfflineVerifier {
  email: string;
  user: User;
  verifier: string;
  failures: number;
  lockedUntil: Date | null;
}

const key = (email: string) => email.trim().toLowerCase();

/** The stored password verifiers (never passwords) and the offline sign-outs still to tell the server. */
export function offlineVerifierRepo(db: LocalDb, box: SecretBox) {
  return {
    get(email: string): OfflineVerifier | null {
      const row = db
        .select()
        .from(offlineVerifiers)
        .where(eq(offlineVerifiers.email, key(email)))
        .get();
      if (!row) return null;
      let user: User;
      try {
        const parsed = User.safeParse(JSON.parse(row.userJson));
        if (!parsed.success) return null;
        user = parsed.data;
      } catch {
        return null;
      }
      return {
        email: row.email,
        user,
        verifier: row.verifier,
        failures: row.failures,
        lockedUntil: row.lockedUntil ? new Date(row.lockedUntil) : null,
      };
    },

    /** Store (or replace) an account's verifier; the throttle starts over. */
    put(user: User, verifier: string, now = new Date()): void {
      const values = {
        userId: user.id,
        userJson: JSON.stringify(user),
        verifier,
        failures: 0,
        lockedUntil: null,
        updatedAt: now.toISOString(),
      };
      // One row per account, under the email it signs in with (an email change replaces the old row).
      db.delete(offlineVerifiers).where(eq(offlineVerifiers.userId, user.id)).run();
      db.insert(offlineVerifiers)
        .values({ email: key(user.email), ...values })
        .onConflictDoUpdate({ target: offlineVerifiers.email, set: values })
        .run();
    },

    /** Record the throttle after an attempt (failures and the lock's end; zero and null after a success). */
    setThrottle(email: string, failures: number, lockedUntil: Date | null): void {
      db.update(offlineVerifiers)
        .set({ failures, lockedUntil: lockedUntil?.toISOString() ?? null })
        .where(eq(offlineVerifiers.email, key(email)))
        .run();
    },

    /** Forget an account's verifier (its password changed on the server). */
    removeForUser(userId: string): void {
      db.delete(offlineVerifiers).where(eq(offlineVerifiers.userId, userId)).run();
    },

    hasUser(userId: string): boolean {
      return !!db
        .select({ e: offlineVerifiers.email })
        .from(offlineVerifiers)
        .where(eq(offlineVerifiers.userId, userId))
        .get();
    },

    queueRevocation(refreshToken: string, now = new Date()): void {
      db.insert(pendingRevocations)
        .values({ tokenEnc: box.encrypt(refreshToken), createdAt: now.toISOString() })
        .onConflictDoNothing()
        .run();
    },

    /** The queued refresh tokens (those that no longer open are dropped), each with a function that removes it. */
    pendingRevocations(): { token: string; done: () => void }[] {
      const out: { token: string; done: () => void }[] = [];
      for (const row of db.select().from(pendingRevocations).all()) {
        const done = () =>
          void db.delete(pendingRevocations).where(eq(pendingRevocations.tokenEnc, row.tokenEnc)).run();
        try {
          out.push({ token: box.decrypt(row.tokenEnc), done });
        } catch {
          done();
        }
      }
      return out;
    },
  };
}
export type OfflineVerifierRepo = ReturnType<typeof offlineVerifierRepo>;
