import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Why one try at a file did not give a verified file. */
export type TransferFailure =
  | { kind: 'expired' }
  | { kind: 'network'; message: string }
  | { kind: 'http'; status: number; code: string; message: string }
  | { kind: 'checksum'; message: string }
  | { kind: 'aborted' };

export interface TransferInput {
  url: string;
  file: string;
  size: number;
  sha256: string;
  fetch: typeof fetch;
  signal: AbortSignal;
  /** Give up on a response that sends nothing for this long (a network error, retried). */
  idleMs?: number;
  /** Called as bytes reach the .part file (total bytes on disk so far). */
  onBytes: (done: number) => void;
  /** Called once the response is about to be written (a Range request was sent when `from` > 0). */
  onStart?: (from: number) => void;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return { code: body.error?.code ?? 'http_error', message: body.error?.message ?? `HTTP ${res.status}` };
  } catch {
    return { code: 'http_error', message: `HTTP ${res.status}` };
  }
}

/**
 * Fetch one file into `<file>.part`, continuing from the bytes already there (HTTP Range), then check its sha256 and
 * move it into place. A mismatch deletes the .part. Returns null when the file is in place and verified.
 */
export async function transferFile(t: TransferInput): Promise<TransferFailure | null> {
  const part = `${t.file}.part`;
  await fs.mkdir(path.dirname(t.file), { recursive: true });
  let have = await sizeOf(part);
  if (have > t.size) {
    await fs.rm(part, { force: true });
    have = 0;
  }
  if (have < t.size || t.size === 0) {
    // A connection that goes quiet (half-open, a stuck proxy) must not hold a worker forever.
    const idle = new AbortController();
    const idleMs = t.idleMs ?? 30_000;
    let timer = setTimeout(() => idle.abort(), idleMs);
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleMs);
    };
    const stalled = () => ({ kind: 'network' as const, message: `no data for ${idleMs / 1000} s` });
    // Not AbortSignal.any: on Node 20 a dependent signal reachable only from a pending read can be
    // collected, and its abort never arrives (a close() that hangs). Listeners on the sources hold it.
    const either = new AbortController();
    const forward = () => either.abort();
    t.signal.addEventListener('abort', forward, { once: true });
    idle.signal.addEventListener('abort', forward, { once: true });
    if (t.signal.aborted) either.abort();
    try {
      return await fetchInto(t, part, have, either.signal, alive, stalled);
    } finally {
      clearTimeout(timer);
      t.signal.removeEventListener('abort', forward);
      idle.signal.removeEventListener('abort', forward);
    }
  }
  t.onBytes(have);
  return verifyPart(t, part);
}

async function fetchInto(
  t: TransferInput,
  part: string,
  from: number,
  signal: AbortSignal,
  alive: () => void,
  stalled: () => TransferFailure,
): Promise<TransferFailure | null> {
  let have = from;
  let res: Response;
  try {
    res = await t.fetch(t.url, {
      headers: have > 0 ? { range: `bytes=${have}-` } : {},
      signal,
    });
  } catch (err) {
    if (t.signal.aborted) return { kind: 'aborted' };
    if (signal.aborted) return stalled();
    return { kind: 'network', message: describe(err) };
  }
  if (res.status === 416) {
    await res.body?.cancel();
    await fs.rm(part, { force: true });
    return { kind: 'checksum', message: 'the stored part does not fit the file on the server' };
  }
  if (!res.ok) {
    const e = await errorOf(res);
    if (res.status === 403 && e.code === 'signature_expired') return { kind: 'expired' };
    if (res.status >= 500) return { kind: 'network', message: `the server answered ${res.status}` };
    return { kind: 'http', status: res.status, ...e };
  }
  // 206 continues the part; 200 (range ignored) starts it over.
  if (res.status !== 206) have = 0;
  t.onStart?.(have);
  const handle = await fs.open(part, have > 0 ? 'a' : 'w');
  let done = have;
  // Each read races the abort: a body stream that does not react to the signal (seen under load: a close() that
  // waited on a pending read for ever) cannot hold the transfer.
  let onAbort = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  const reader = res.body?.getReader();
  try {
    for (;;) {
      const r = reader
        ? await Promise.race([reader.read(), aborted])
        : { done: true as const, value: undefined };
      if (r.done) break;
      await handle.write(r.value);
      done += r.value.byteLength;
      alive();
      t.onBytes(done);
    }
  } catch (err) {
    if (t.signal.aborted) return { kind: 'aborted' };
    if (signal.aborted) return stalled();
    return { kind: 'network', message: describe(err) };
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) void reader?.cancel().catch(() => {});
    await handle.close();
  }
  if (t.signal.aborted) return { kind: 'aborted' };
  return verifyPart(t, part);
}

async function verifyPart(t: TransferInput, part: string): Promise<TransferFailure | null> {
  const sum = await sha256File(part);
  if (sum !== t.sha256) {
    await fs.rm(part, { force: true });
    return {
      kind: 'checksum',
      message: `sha256 mismatch (expected ${t.sha256.slice(0, 12)}…, got ${sum.slice(0, 12)}…)`,
    };
  }
  await fs.rename(part, t.file);
  return null;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}
