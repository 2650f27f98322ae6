import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../../sync-server/src/config.ts';
import { startEmbeddedPostgres } from '../../../sync-server/src/db/embedded.ts';

/** A bench's own data folder and embedded PostgreSQL, removed by `close()`. */
export async function benchDatabase(
  name: string,
): Promise<{ dir: string; url: string; close(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `lyceum-bench-${name}-`));
  await fs.chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'postgres'));
  return {
    dir,
    url: db.url,
    async close() {
      await db.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A server config for benches: that database, no demo data, no processor, quiet logs; `extra` overrides. */
export function benchConfig(b: { dir: string; url: string }, extra: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: b.url,
    LYCEUM_DATA_DIR: b.dir,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ANALYTICS_PROCESSOR: 'off',
    ...extra,
  });
}
