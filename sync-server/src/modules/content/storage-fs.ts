import fsCallbacks, { createReadStream, createWriteStream, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertSafeKey,
  contentTypeOf,
  ObjectNotFoundError,
  type ContentStorage,
  type StoredObject,
} from './storage.ts';

const TMP_PREFIX = '.tmp-';
/** Bytes per read when serving: HLS segments are 0.2–2 MB, so a few large reads beat many 64 KiB ones. */
const READ_CHUNK = 256 * 1024;

/** An object opened for reading: its metadata and its bytes come from the same open file. */
export interface OpenedObject {
  object: StoredObject;
  /** The bytes [start, end] (inclusive), or all of them; the stream owns the file from then on. */
  stream(range?: { start: number; end: number }): Readable;
  /** Close without reading (HEAD, 304, 416); does nothing once stream() was called. */
  close(): void;
}

/** A storage that can open an object once for both its metadata and its bytes (the filesystem adapter). */
export interface OpenableStorage {
  openRead(key: string): Promise<OpenedObject | null>;
}

export const canOpenRead = (s: ContentStorage): s is ContentStorage & OpenableStorage =>
  typeof (s as Partial<OpenableStorage>).openRead === 'function';

// O_NONBLOCK: opening something that is not a regular file (a FIFO) must not hold a thread; fstat refuses it next.
const READ_FLAGS = fsCallbacks.constants.O_RDONLY | (fsCallbacks.constants.O_NONBLOCK ?? 0);
const openFile = (file: string) =>
  new Promise<number>((resolve, reject) =>
    fsCallbacks.open(file, READ_FLAGS, (err, fd) => (err ? reject(err) : resolve(fd))),
  );
const fstatOf = (fd: number) =>
  new Promise<Stats>((resolve, reject) =>
    fsCallbacks.fstat(fd, (err, st) => (err ? reject(err) : resolve(st))),
  );
const closeFile = (fd: number) => fsCallbacks.close(fd, () => {});
const absent = (err: unknown) =>
  ['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG'].includes((err as NodeJS.ErrnoException).code ?? '');

/** A stream transform that hashes what passes through it. */
export function hashingStream(): Transform & { digest: () => string; bytes: () => number } {
  const hash = createHash('sha256');
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  let digest: string | null = null;
  return Object.assign(t, {
    digest: () => (digest ??= hash.digest('hex')),
    bytes: () => bytes,
  });
}

/**
 * Filesystem adapter: objects are files under `root` (by default `<dataDir>/content`). Writes go to a temp file in
 * the same folder and are renamed into place, so readers never see a partial object. The ETag is the sha256 of the
 * bytes, computed on write and remembered per (inode, size, mtime) so serving does not hash again.
 */
export function filesystemStorage(root: string): ContentStorage & OpenableStorage & { root: string } {
  const known = new Map<string, { stamp: string; sha256: string }>();
  const fileOf = (key: string) => {
    assertSafeKey(key);
    const file = path.resolve(root, ...key.split('/'));
    if (!file.startsWith(path.resolve(root) + path.sep))
      throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
    return file;
  };
  const stampOf = (st: { ino: number; size: number; mtimeMs: number }) =>
    `${st.ino}:${st.size}:${st.mtimeMs}`;
  const remember = (file: string, stamp: string, sha256: string) => {
    if (known.size > 50_000) known.clear();
    known.set(file, { stamp, sha256 });
  };
  const describe = (key: string, size: number, sha256: string): StoredObject => ({
    key,
    size,
    etag: sha256,
    sha256,
    contentType: contentTypeOf(key),
  });

  return {
    root,
    async put(key, body, _contentType) {
      const file = fileOf(key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = path.join(path.dirname(file), `${TMP_PREFIX}${randomBytes(8).toString('hex')}`);
      const hasher = hashingStream();
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, hasher, createWriteStream(tmp));
        await fs.rename(tmp, file);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
      const st = await fs.stat(file);
      remember(file, stampOf(st), hasher.digest());
      return describe(key, st.size, hasher.digest());
    },
    async head(key) {
      const file = fileOf(key);
      const st = await fs.stat(file).catch(() => null);
      if (!st?.isFile()) return null;
      const stamp = stampOf(st);
      let sha = known.get(file);
      if (sha?.stamp !== stamp) {
        const hash = createHash('sha256');
        for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
        sha = { stamp, sha256: hash.digest('hex') };
        remember(file, stamp, sha.sha256);
      }
      return describe(key, st.size, sha.sha256);
    },
    async get(key, range) {
      const file = fileOf(key);
      const st = await fs.stat(file).catch(() => null);
      if (!st?.isFile()) throw new ObjectNotFoundError(key);
      return createReadStream(file, range ? { start: range.start, end: range.end } : {});
    },
    /**
     * One open and one fstat: the size and ETag describe exactly the bytes the stream will read, even if the key is
     * replaced meanwhile (a put renames a new file into place; this one stays readable through its descriptor).
     */
    async openRead(key) {
      const file = fileOf(key);
      const fd = await openFile(file).catch((err: unknown) => {
        if (absent(err)) return null;
        throw err;
      });
      if (fd === null) return null;
      let object: StoredObject;
      let size: number;
      try {
        const st = await fstatOf(fd);
        if (!st.isFile()) {
          closeFile(fd);
          return null;
        }
        size = st.size;
        const stamp = stampOf(st);
        let sha = known.get(file);
        if (sha?.stamp !== stamp) {
          const hash = createHash('sha256');
          for await (const chunk of createReadStream(file, { fd, start: 0, autoClose: false }))
            hash.update(chunk as Buffer);
          sha = { stamp, sha256: hash.digest('hex') };
          remember(file, stamp, sha.sha256);
        }
        object = describe(key, st.size, sha.sha256);
      } catch (err) {
        closeFile(fd);
        throw err;
      }
      let owned = true;
      return {
        object,
        stream(range) {
          owned = false;
          // Positional reads (start given) from the descriptor; the stream closes it at its end or when destroyed.
          return createReadStream(file, {
            fd,
            start: range?.start ?? 0,
            ...(range ? { end: range.end } : size > 0 ? { end: size - 1 } : {}),
            highWaterMark: READ_CHUNK,
            autoClose: true,
          });
        },
        close() {
          if (owned) closeFile(fd);
          owned = false;
        },
      };
    },
    async delete(key) {
      const file = fileOf(key);
      known.delete(file);
      await fs.rm(file, { force: true });
    },
    async list(prefix) {
      const out: string[] = [];
      // The prefix may end inside a name ("assets/ab"); walk from its folder part and filter.
      const dir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      if (dir) assertSafeKey(dir);
      const walk = async (rel: string): Promise<void> => {
        const entries = await fs
          .readdir(path.join(root, ...rel.split('/').filter(Boolean)), { withFileTypes: true })
          .catch(() => []);
        for (const e of entries) {
          if (e.name.startsWith(TMP_PREFIX)) continue;
          const key = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) await walk(key);
          else if (e.isFile() && key.startsWith(prefix)) out.push(key);
        }
      };
      await walk(dir);
      return out.sort();
    },
    localPath(key) {
      return fileOf(key);
    },
  };
}
