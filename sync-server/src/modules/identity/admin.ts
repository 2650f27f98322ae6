import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Role, User } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { users } from './tables.ts';
import { toUser } from './dto.ts';
import type { SessionService } from './sessions.ts';

export interface UserQuery {
  q?: string;
  role?: Role;
  disabled?: 'true' | 'false';
  cursor?: string;
  limit: number;
}

/** Prefix-tolerant tsquery from free text: every word must match as a prefix. */
export function prefixQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

export function adminUserService(db: Db, sessions: SessionService, onUserChanged: (id: string) => void) {
  return {
    async list(query: UserQuery): Promise<{ items: User[]; nextCursor: string | null }> {
      const where: SQL[] = [];
      const tsq = query.q ? prefixQuery(query.q) : null;
      if (tsq) where.push(sql`${users.search} @@ to_tsquery('simple', ${tsq})`);
      if (query.role) where.push(eq(users.role, query.role));
      if (query.disabled) where.push(eq(users.disabled, query.disabled === 'true'));
      if (query.cursor) {
        const [createdAt, id] = decodeCursor(query.cursor, 2) as [string, string];
        where.push(sql`(${users.createdAt}, ${users.id}) < (${createdAt}::timestamptz, ${id}::uuid)`);
      }
      const rows = await db
        .select()
        .from(users)
        .where(where.length ? and(...where) : undefined)
        .orderBy(sql`${users.createdAt} DESC, ${users.id} DESC`)
        .limit(query.limit + 1);
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toUser),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      };
    },

    async get(id: string): Promise<User> {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      if (!row) throw new ApiError('not_found', 'User not found');
      return toUser(row);
    },

    async update(adminId: string, id: string, patch: { role?: Role; disabled?: boolean }): Promise<User> {
      if (id === adminId && (patch.disabled === true || (patch.role && patch.role !== 'admin')))
        throw new ApiError('conflict', 'Admins cannot disable or demote themselves');
      const [row] = await db
        .update(users)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(users.id, id))
        .returning();
      if (!row) throw new ApiError('not_found', 'User not found');
      if (patch.disabled) await sessions.revokeAllForUser(id, 'disabled');
      onUserChanged(id);
      return toUser(row);
    },
  };
}
