import { ApiError } from '../../../http/errors.ts';

export interface MultipartPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** The parts of a multipart body (RFC 2046), split on `boundary`; each part's headers lower-cased. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw new ApiError('validation_failed', 'The multipart/mixed request has no boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new ApiError('validation_failed', 'The multipart body does not hold its boundary');
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, pos);
    if (next < 0) throw new ApiError('validation_failed', 'The multipart body does not close its last part');
    let chunk = body.subarray(pos, next);
    if (chunk.subarray(0, 2).toString() === '\r\n') chunk = chunk.subarray(2);
    if (chunk.subarray(-2).toString() === '\r\n') chunk = chunk.subarray(0, -2);
    const split = chunk.indexOf('\r\n\r\n');
    if (split < 0) throw new ApiError('validation_failed', 'A multipart part has no header block');
    const headers: Record<string, string> = {};
    for (const line of chunk.subarray(0, split).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: chunk.subarray(split + 4) });
    pos = next;
  }
  return parts;
}

/** A multipart/mixed body of `parts`, with the boundary to name in Content-Type. */
export function buildMultipart(parts: MultipartPart[]): { boundary: string; body: Buffer } {
  const boundary = `xapi-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = Object.entries(p.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`), p.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { boundary, body: Buffer.concat(chunks) };
}
