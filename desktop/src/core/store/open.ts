import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from './migrate.ts';
import * as tables from './tables.ts';

export type LocalDb = BetterSQLite3Database<typeof tables>;

export interface Store {
  db: LocalDb;
  sqlite: Database.Database;
  /** Migrations applied by this open (empty when the file was up to date). */
  applied: string[];
  close(): void;
}

/** Open (creating and migrating) the local SQLite store. `file` ':memory:' gives a throwaway store for tests. */
export function openStore(file: string, opts: { migrationsDir?: string } = {}): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const applied = migrate(sqlite, opts.migrationsDir);
    const db = drizzle(sqlite, { schema: tables });
    return {
      db,
      sqlite,
      applied,
      close() {
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
