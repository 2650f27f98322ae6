import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Ingest } from '../port.ts';
import { deliver, type Delivered } from './deliver.ts';
import { FileRejected, fileDigest, formatOf, readDropFile } from './drop-files.ts';
import type { EmailResolver } from './flat-event.ts';

export interface DropFolderOptions {
  /** The inbox; done/ and failed/ are made inside it. */
  dir: string;
  /** A file is imported once its size and mtime stayed the same this long (default 2000 ms). */
  settleMs?: number;
  /** Periodic scan, besides fs.watch (default 5000 ms). */
  scanMs?: number;
  /** Items per ingest call (default 1000). */
  batch?: number;
  /** Watch and scan periodically (default true); false: only scanNow() (tests). */
  watch?: boolean;
}

export interface FileOutcome {
  name: string;
  status: 'imported' | 'already_imported' | 'failed' | 'busy';
  sha256?: string;
  lines?: number;
  counts?: Delivered;
  reason?: string;
}

export interface DropFolder {
  /** Look at the inbox now and import the files that are complete; answers what happened to each. */
  scanNow(): Promise<FileOutcome[]>;
  stop(): Promise<void>;
}

/** Names never imported: hidden files, and files still being written or copied. */
export const ignoredName = (name: string): boolean =>
  name.startsWith('.') || /\.(part|partial|tmp|crdownload|swp)$/i.test(name) || name.endsWith('~');

/** A free name in `dir` for `name` (name, then name-<stamp>-<n>). */
async function freeName(dir: string, name: string, stamp: string): Promise<string> {
  const ext = path.extname(name);
  const base = name.slice(0, name.length - ext.length);
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? name : `${base}-${stamp}${n > 1 ? `-${n}` : ''}${ext}`;
    try {
      await fsp.access(path.join(dir, candidate));
    } catch {
      return candidate;
    }
  }
}

/**
 * The drop folder: NDJSON and CSV event files put in the inbox are imported once each and moved to done/ (or to
 * failed/ with a <name>.reason.txt when they cannot be read at all). A file is taken only once it is complete: its
 * size and mtime unchanged for `settleMs`, and not a dotfile or *.part / *.tmp. Each file is checkpointed by content
 * (SHA-256) in analytics.imported_files, written in one transaction that holds an advisory lock on the checksum
 * during the import, so other server processes skip the file and a crash before COMMIT re-imports it (same stable
 * ids: counted once). A file whose checksum is already recorded (a crash between COMMIT and the move, or the same
 * file dropped again) is not imported again, just moved to done/. fs.watch wakes the importer; a periodic scan covers
 * file systems where it does not work.
 */
export function startDropFolder(
  deps: { pool: pg.Pool; ingest: Ingest; logger: Logger; resolveEmails: EmailResolver },
  opts: DropFolderOptions,
): DropFolder {
  const inbox = path.resolve(opts.dir);
  const done = path.join(inbox, 'done');
  const failed = path.join(inbox, 'failed');
  const settleMs = opts.settleMs ?? 2000;
  const log = deps.logger.child({ component: 'drop-folder', dir: inbox });
  /** name → its size/mtime signature and since when it has not changed. */
  const seen = new Map<string, { sig: string; since: number }>();
  const ready = fsp.mkdir(done, { recursive: true }).then(() => fsp.mkdir(failed, { recursive: true }));
  let stopped = false;
  let running: Promise<FileOutcome[]> | null = null;
  let again = false;

  async function move(name: string, to: string, sha: string): Promise<string> {
    const target = await freeName(to, name, sha.slice(0, 12));
    await fsp.rename(path.join(inbox, name), path.join(to, target));
    return target;
  }

  async function fail(name: string, reason: string, sha: string): Promise<FileOutcome> {
    const target = await move(name, failed, sha);
    await fsp.writeFile(path.join(failed, `${target}.reason.txt`), `${reason}\n`);
    log.warn({ file: name, reason }, 'event file not imported');
    return { name, status: 'failed', sha256: sha, reason };
  }

  async function importFile(name: string): Promise<FileOutcome> {
    const file = path.join(inbox, name);
    const { sha256, size, utf8 } = await fileDigest(file);
    if (!formatOf(name))
      return fail(name, 'Unsupported file type: only .ndjson, .jsonl and .csv are imported', sha256);
    if (!utf8) return fail(name, 'The file is not UTF-8 text', sha256);
    const client = await deps.pool.connect();
    let open = false;
    try {
      await client.query('BEGIN');
      open = true;
      const lock = await client.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtextextended('lyceum.drop:' || $1, 0)) AS ok`,
        [sha256],
      );
      if (!lock.rows[0]?.ok) return { name, status: 'busy', sha256 };
      const known = await client.query('SELECT 1 FROM analytics.imported_files WHERE sha256 = $1', [sha256]);
      if (known.rowCount) {
        await client.query('COMMIT');
        open = false;
        const target = await move(name, done, sha256);
        log.info({ file: name, movedTo: target }, 'event file was imported before; not imported again');
        return { name, status: 'already_imported', sha256 };
      }
      const counts: Delivered = { accepted: 0, duplicates: 0, rejected: 0 };
      let lines = 0;
      try {
        for await (const items of readDropFile(file, {
          name,
          sha256,
          resolveEmails: deps.resolveEmails,
          ...(opts.batch ? { batch: opts.batch } : {}),
        })) {
          lines += items.length;
          const r = await deliver(deps.ingest, items, { source: 'file', origin: name });
          counts.accepted += r.accepted;
          counts.duplicates += r.duplicates;
          counts.rejected += r.rejected;
        }
      } catch (err) {
        if (!(err instanceof FileRejected)) throw err;
        await client.query('ROLLBACK');
        open = false;
        return await fail(name, err.message, sha256);
      }
      await client.query(
        `INSERT INTO analytics.imported_files (sha256, name, size, lines, accepted, duplicates, rejected)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [sha256, name, size, lines, counts.accepted, counts.duplicates, counts.rejected],
      );
      await client.query('COMMIT');
      open = false;
      await move(name, done, sha256);
      log.info({ file: name, lines, ...counts }, 'event file imported');
      return { name, status: 'imported', sha256, lines, counts };
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  }

  async function scan(): Promise<FileOutcome[]> {
    await ready;
    const now = Date.now();
    const outcomes: FileOutcome[] = [];
    const entries = await fsp.readdir(inbox, { withFileTypes: true });
    const present = new Set<string>();
    for (const e of entries) {
      if (stopped) break;
      if (!e.isFile() || ignoredName(e.name)) continue;
      present.add(e.name);
      let st: fs.Stats;
      try {
        st = await fsp.stat(path.join(inbox, e.name));
      } catch {
        continue; // taken by another process meanwhile
      }
      const sig = `${st.size}:${st.mtimeMs}`;
      const prev = seen.get(e.name);
      if (!prev || prev.sig !== sig) {
        seen.set(e.name, { sig, since: now });
        continue;
      }
      if (now - prev.since < settleMs) continue;
      seen.delete(e.name);
      try {
        outcomes.push(await importFile(e.name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // moved by another process
        // The database or the stream is down: the file stays in the inbox and is tried again.
        log.warn({ err, file: e.name }, 'event file import failed; will retry');
      }
    }
    for (const name of seen.keys()) if (!present.has(name)) seen.delete(name);
    return outcomes;
  }

  function scanNow(): Promise<FileOutcome[]> {
    if (running) {
      again = true;
      return running;
    }
    running = scan().finally(() => {
      running = null;
      if (again && !stopped) {
        again = false;
        void scanNow().catch((err: unknown) => log.warn({ err }, 'drop folder scan failed'));
      }
    });
    return running;
  }

  const kick = () => void scanNow().catch((err: unknown) => log.warn({ err }, 'drop folder scan failed'));
  let watcher: fs.FSWatcher | null = null;
  let interval: NodeJS.Timeout | null = null;
  let settleTimer: NodeJS.Timeout | null = null;
  if (opts.watch !== false) {
    void ready.then(() => {
      if (stopped) return;
      try {
        watcher = fs.watch(inbox, () => {
          // Look now (to start the settle clock) and again once the file may have settled.
          kick();
          if (settleTimer) clearTimeout(settleTimer);
          settleTimer = setTimeout(kick, settleMs + 50);
        });
        watcher.on('error', (err) => log.warn({ err }, 'fs.watch failed; scanning periodically only'));
      } catch (err) {
        log.warn({ err }, 'fs.watch unavailable; scanning periodically only');
      }
    });
    interval = setInterval(kick, opts.scanMs ?? 5000);
    kick();
  }

  return {
    scanNow,
    async stop() {
      stopped = true;
      if (interval) clearInterval(interval);
      if (settleTimer) clearTimeout(settleTimer);
      watcher?.close();
      await running?.catch(() => {});
    },
  };
}
