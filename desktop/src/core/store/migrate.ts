import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Where the committed SQL files are: beside this module in the source tree, and copied beside the bundle
 * (dist/main/migrations) by the desktop build.
 */
export function defaultMigrationsDir(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
}

/** Apply the migrations not applied yet, in name order, each in its own transaction. Returns the names applied. */
export function migrate(sqlite: BetterSqlite3.Database, dir = defaultMigrationsDir()): string[] {
  sqlite.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const done = new Set(
    sqlite
      .prepare('SELECT name FROM schema_migrations')
      .all()
      .map((r) => (r as { name: string }).name),
  );
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort();
  if (files.length === 0) throw new Error(`No migrations found in ${dir}`);
  const applied: string[] = [];
  const record = sqlite.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  for (const file of files) {
    if (done.has(file)) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    sqlite.transaction(() => {
      sqlite.exec(text);
      record.run(file, new Date().toISOString());
    })();
    applied.push(file);
  }
  return applied;
}
