import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { LocalDb } from './open.ts';
import { settings } from './tables.ts';

/** Typed key-value settings: values are JSON, read back through a zod schema (a damaged value reads as absent). */
export function settingsRepo(db: LocalDb) {
  return {
    get<S extends z.ZodType>(key: string, schema: S): z.infer<S> | null {
      const row = db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get();
      if (!row) return null;
      try {
        const parsed = schema.safeParse(JSON.parse(row.value));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    set(key: string, value: unknown): void {
      const now = new Date().toISOString();
      const json = JSON.stringify(value);
      db.insert(settings)
        .values({ key, value: json, updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value: json, updatedAt: now } })
        .run();
    },
    delete(key: string): void {
      db.delete(settings).where(eq(settings.key, key)).run();
    },
  };
}
export type SettingsRepo = ReturnType<typeof settingsRepo>;
