import { eq } from 'drizzle-orm';
import { User, type AuthResponse } from '@lyceum/contracts';
import type { SecretBox } from '../secret-box.ts';
import type { LocalDb } from './open.ts';
import { identity } from './tables.ts';

export interface CachedIdentity {
  user: User;
  accessToken: string | null;
  accessExpiresAt: Date | null;
  refreshToken: string | null;
  signedInAt: string;
}

/** The cached signed-in account. Both tokens are sealed by the secret box; a token that no longer opens reads as null. */
export function identityRepo(db: LocalDb, box: SecretBox) {
  const open = (sealed: string | null): string | null => {
    if (!sealed) return null;
    try {
      return box.decrypt(sealed);
    } catch {
      return null;
    }
  };

  return {
    load(): CachedIdentity | null {
      const row = db.select().from(identity).where(eq(identity.id, 1)).get();
      if (!row) return null;
      const user = User.safeParse(JSON.parse(row.userJson));
      if (!user.success) return null;
      return {
        user: user.data,
        accessToken: open(row.accessTokenEnc),
        accessExpiresAt: row.accessExpiresAt ? new Date(row.accessExpiresAt) : null,
        refreshToken: open(row.refreshTokenEnc),
        signedInAt: row.signedInAt,
      };
    },

    /** Store a fresh session (sign-in or refresh). */
    saveSession(auth: AuthResponse, now = new Date()): void {
      const values = {
        userId: auth.user.id,
        userJson: JSON.stringify(auth.user),
        accessTokenEnc: box.encrypt(auth.accessToken),
        accessExpiresAt: new Date(now.getTime() + auth.expiresIn * 1000).toISOString(),
        refreshTokenEnc: box.encrypt(auth.refreshToken),
        updatedAt: now.toISOString(),
      };
      db.insert(identity)
        .values({ id: 1, signedInAt: now.toISOString(), ...values })
        .onConflictDoUpdate({ target: identity.id, set: values })
        .run();
    },

    /** A session on this device only (offline sign-in): the account without tokens; syncing needs an online sign-in. */
    saveLocal(user: User, now = new Date()): void {
      const values = {
        userId: user.id,
        userJson: JSON.stringify(user),
        accessTokenEnc: null,
        accessExpiresAt: null,
        refreshTokenEnc: null,
        updatedAt: now.toISOString(),
      };
      db.insert(identity)
        .values({ id: 1, signedInAt: now.toISOString(), ...values })
        .onConflictDoUpdate({ target: identity.id, set: values })
        .run();
    },

    updateUser(user: User): void {
      db.update(identity)
        .set({ userJson: JSON.stringify(user), updatedAt: new Date().toISOString() })
        .where(eq(identity.id, 1))
        .run();
    },

    /** Forget the account and its tokens (sign-out, or the server ended the session). */
    clear(): void {
      db.delete(identity).run();
    },

    /** The raw sealed columns, for tests that check nothing is stored in the clear. */
    raw() {
      return db.select().from(identity).where(eq(identity.id, 1)).get() ?? null;
    },
  };
}
export type IdentityRepo = ReturnType<typeof identityRepo>;
