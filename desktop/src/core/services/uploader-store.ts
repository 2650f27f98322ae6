import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { CoreError } from '../errors.ts';
import { TeachPhase, TeachUploadKind } from '../../contracts/teaching.ts';

/** What the desktop keeps about one upload (state.json beside the spooled file), so it resumes after a restart. */
export const UploadRecord = z.object({
  id: z.string(),
  userId: z.string(),
  courseId: z.string(),
  lessonId: z.string(),
  kind: TeachUploadKind,
  name: z.string(),
  size: z.number().int().positive(),
  sha256: z.string(),
  phase: TeachPhase,
  /** The server's upload and asset, once started. */
  serverUploadId: z.string().nullable(),
  assetId: z.string().nullable(),
  bytesUploaded: z.number().int().nonnegative(),
  packagingPercent: z.number().int().min(0).max(100).nullable(),
  /** permanent: another attempt with the same file would be refused the same way. */
  error: z.object({ code: z.string(), message: z.string(), permanent: z.boolean() }).nullable(),
  durationSeconds: z.number().nonnegative().nullable(),
  hasPoster: z.boolean(),
  /** Ready and tidied up (older files of the lesson detached, the spooled copy removed). */
  finalized: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UploadRecord = z.infer<typeof UploadRecord>;

const STATE = 'state.json';
const SOURCE = 'source';
const PART = 'source.part';

/** Counts and hashes what flows through; refuses more than `max` bytes. */
function meter(max: number) {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > max) {
        cb(
          new CoreError('file_too_large', `The file is larger than the ${max} bytes allowed`, { limit: max }),
        );
        return;
      }
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  return { stream, result: () => ({ size, sha256: hash.digest('hex') }) };
}

/**
 * Uploads on disk under `<root>/<id>/`: `state.json` and the spooled file (`source`, `source.part` while it is being
 * received). A folder without a state file is a receive that never finished, removed at the next load.
 */
export function uploadStore(root: string) {
  const dirOf = (id: string) => path.join(root, id);
  const sourceOf = (id: string) => path.join(dirOf(id), SOURCE);

  return {
    root,
    sourceOf,
    /** Every saved upload; half-received ones and damaged state files are removed. */
    load(): UploadRecord[] {
      if (!fs.existsSync(root)) return [];
      const out: UploadRecord[] = [];
      for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
        if (!entry.isDirectory() || !/^[0-9a-f-]{36}$/.test(entry.name)) continue;
        const file = path.join(root, entry.name, STATE);
        let rec: UploadRecord | null = null;
        try {
          const parsed = UploadRecord.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
          if (parsed.success) rec = parsed.data;
        } catch {
          rec = null;
        }
        if (rec) out.push(rec);
        else fs.rmSync(path.join(root, entry.name), { recursive: true, force: true });
      }
      return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    save(rec: UploadRecord): void {
      const file = path.join(dirOf(rec.id), STATE);
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(rec));
      fs.renameSync(`${file}.tmp`, file);
    },

    remove(id: string): void {
      fs.rmSync(dirOf(id), { recursive: true, force: true });
    },

    /** Spool a request body into a new upload folder; answers its id, size and sha256. Nothing is kept on failure. */
    async receive(body: Readable, max: number): Promise<{ id: string; size: number; sha256: string }> {
      const id = randomUUID();
      fs.mkdirSync(dirOf(id), { recursive: true });
      const m = meter(max);
      try {
        await pipeline(body, m.stream, fs.createWriteStream(path.join(dirOf(id), PART)));
        const { size, sha256 } = m.result();
        if (size === 0) throw new CoreError('validation_failed', 'The file is empty');
        fs.renameSync(path.join(dirOf(id), PART), sourceOf(id));
        return { id, size, sha256 };
      } catch (err) {
        fs.rmSync(dirOf(id), { recursive: true, force: true });
        throw err;
      }
    },

    hasSource: (id: string) => fs.existsSync(sourceOf(id)),

    async readChunk(id: string, offset: number, length: number): Promise<Buffer> {
      const fh = await fs.promises.open(sourceOf(id), 'r');
      try {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await fh.read(buf, 0, length, offset);
        if (bytesRead !== length) throw new Error(`The spooled file is shorter than expected (${id})`);
        return buf;
      } finally {
        await fh.close();
      }
    },

    deleteSource(id: string): void {
      fs.rmSync(sourceOf(id), { force: true });
    },
  };
}
export type UploadStore = ReturnType<typeof uploadStore>;
