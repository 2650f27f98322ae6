import type { User } from '@lyceum/contracts';
import type { users } from './tables.ts';

export type UserRow = typeof users.$inferSelect;

export const toUser = (u: UserRow): User => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  bio: u.bio,
  avatarUrl: u.avatarUrl,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
});
