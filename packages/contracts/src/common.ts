import { z } from 'zod';

export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

export const IsoDateTime = z.iso.datetime({ offset: true });

export const IdParams = z.object({ id: Id }).strict();

/** Limit for paginated lists. */
export const Limit = z.coerce.number().int().min(1).max(100).default(20);

export const Role = z.enum(['student', 'instructor', 'admin']);
export type Role = z.infer<typeof Role>;

export const Ok = z.object({ ok: z.literal(true) });
