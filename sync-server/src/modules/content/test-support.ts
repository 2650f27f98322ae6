import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Upload } from '@lyceum/contracts';
import type { TestServer } from '../../../test/harness.ts';
import { slidesPdf } from '../../seed/pdf.ts';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A small, valid one-page PDF (the demo seed's generator). */
export const tinyPdf = (text = 'Hello'): Buffer => slidesPdf([{ heading: text }]);

/** Bytes that start with an ISO-BMFF `ftyp` box (enough for type detection as video/mp4), padded to `size`. */
export function mp4Like(size = 4096): Buffer {
  const b = randomBytes(size);
  const ftyp = Buffer.alloc(32);
  ftyp.writeUInt32BE(32, 0);
  ftyp.write('ftypisom', 4, 'latin1');
  ftyp.writeUInt32BE(512, 12);
  ftyp.write('isomiso2avc1mp41', 16, 'latin1');
  ftyp.copy(b, 0);
  return b;
}

/** Random bytes that no detector recognises. */
export function noise(size: number): Buffer {
  const b = randomBytes(size);
  b.fill(0x01, 0, Math.min(16, size));
  return b;
}

export function uploadClient(t: TestServer, token: string) {
  const putChunk = async (uploadId: string, index: number, bytes: Buffer, sum = sha256(bytes)) => {
    const res = await fetch(`${t.url}/api/v1/uploads/${uploadId}/chunks/${index}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'x-chunk-sha256': sum,
      },
      body: new Uint8Array(bytes),
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string }; index?: number } };
  };
  return {
    start: (courseId: string, body: Record<string, unknown>) =>
      t.api<Upload & { error?: { code: string; message: string } }>(
        'POST',
        `/api/v1/courses/${courseId}/uploads`,
        { token, body },
      ),
    putChunk,
    get: (uploadId: string) => t.api<Upload>('GET', `/api/v1/uploads/${uploadId}`, { token }),
    complete: (uploadId: string) =>
      t.api<Record<string, unknown> & { error?: { code: string; message: string } }>(
        'POST',
        `/api/v1/uploads/${uploadId}/complete`,
        { token },
      ),
    /** Upload a whole file in chunks of `chunkSize` and complete it; answers the complete response. */
    async uploadAll(courseId: string, kind: string, name: string, bytes: Buffer, chunkSize = 64 * 1024) {
      const s = await this.start(courseId, {
        kind,
        name,
        size: bytes.length,
        sha256: sha256(bytes),
        chunkSize,
      });
      if (s.status !== 201) return { ...s, uploadId: null };
      for (let i = 0; i < s.body.chunkCount; i++) {
        const r = await putChunk(s.body.id, i, bytes.subarray(i * chunkSize, (i + 1) * chunkSize));
        if (r.status !== 200) throw new Error(`chunk ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      return { ...(await this.complete(s.body.id)), uploadId: s.body.id };
    },
  };
}

/** A raw GET that sends the path exactly as given (fetch would normalise '..' away). */
export function rawGet(
  baseUrl: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: rawPath, method: 'GET', headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
