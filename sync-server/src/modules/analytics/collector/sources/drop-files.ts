import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CsvReader, type CsvRecord } from './csv.ts';
import type { SourcedItem } from './deliver.ts';
import {
  FLAT_FIELDS,
  derivedId,
  emailsOf,
  flatToStatement,
  type EmailResolver,
  type FlatEvent,
  type FlatField,
} from './flat-event.ts';

/** A file that cannot be imported at all (it goes to failed/ with this reason). */
export class FileRejected extends Error {}

export type DropFormat = 'ndjson' | 'csv';

/** The formats by extension: NDJSON (one xAPI statement per line; .ndjson, .jsonl) and CSV (.csv). */
export function formatOf(name: string): DropFormat | null {
  const ext = path.extname(name).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.csv') return 'csv';
  return null;
}

/**
 * SHA-256 (hex) and size of a file, streamed, and whether it is UTF-8 text (checked here, before anything is
 * imported, so a file is never rejected half-way through).
 */
export async function fileDigest(file: string): Promise<{ sha256: string; size: number; utf8: boolean }> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let size = 0;
  let utf8 = true;
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (utf8)
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        utf8 = false;
      }
  }
  if (utf8)
    try {
      decoder.decode();
    } catch {
      utf8 = false;
    }
  return { sha256: hash.digest('hex'), size, utf8 };
}

/** The file's text in pieces (checked as UTF-8 by fileDigest; any stray byte would become U+FFFD). */
async function* textOf(file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>)
    yield decoder.decode(chunk, { stream: true });
  yield decoder.decode();
}

/** Lines of the text with their numbers (1-based), LF or CRLF. */
async function* linesOf(file: string): AsyncGenerator<{ line: number; text: string }> {
  let rest = '';
  let n = 0;
  for await (const piece of textOf(file)) {
    rest += piece;
    let at: number;
    while ((at = rest.indexOf('\n')) >= 0) {
      n += 1;
      const text = rest.slice(0, at);
      rest = rest.slice(at + 1);
      yield { line: n, text: text.endsWith('\r') ? text.slice(0, -1) : text };
    }
  }
  if (rest.length) yield { line: n + 1, text: rest.replace(/^\uFEFF/, '') };
}

const MAX_PAYLOAD_TEXT = 100_000;

/** An NDJSON line as an item: the parsed statement (given a stable id when it has none), or the text itself. */
function ndjsonItem(text: string, seed: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value) && !('id' in value))
      return { id: derivedId(seed), ...value };
    return value;
  } catch {
    return text.length > MAX_PAYLOAD_TEXT ? `${text.slice(0, MAX_PAYLOAD_TEXT)}…` : text;
  }
}

/** The CSV header as flat fields; a header the importer cannot fully understand rejects the file. */
export function csvHeader(fields: readonly string[]): FlatField[] {
  const names = fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, '') : f).trim().toLowerCase());
  const known = new Set<string>(FLAT_FIELDS);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length)
    throw new FileRejected(
      `Unknown CSV column(s): ${unknown.map((u) => JSON.stringify(u)).join(', ')}. Accepted: ${FLAT_FIELDS.join(', ')}`,
    );
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new FileRejected(`The CSV column "${twice}" appears twice`);
  const has = (f: FlatField) => names.includes(f);
  const missing: string[] = [];
  if (!has('actor_id') && !has('actor_email')) missing.push('actor_id or actor_email');
  if (!has('verb')) missing.push('verb');
  if (!has('object_id') && !has('course_id')) missing.push('object_id or course_id');
  if (missing.length) throw new FileRejected(`The CSV header lacks ${missing.join(', ')}`);
  return names as FlatField[];
}

interface Pending {
  line: number;
  /** The statement, or (CSV) the flat row before emails are resolved. */
  value: unknown;
  flat?: FlatEvent;
}

/**
 * Read an event file as batches of items (at most `batch` each), every item with its origin "<name>:<line>". Ids
 * left out are derived from the file's SHA-256 and the line, so importing the same file again gives the same ids.
 */
export async function* readDropFile(
  file: string,
  opts: { name: string; sha256: string; resolveEmails: EmailResolver; batch?: number },
): AsyncGenerator<SourcedItem[]> {
  const format = formatOf(opts.name);
  if (!format) throw new FileRejected('Unsupported file type: only .ndjson, .jsonl and .csv are imported');
  const batch = opts.batch ?? 1000;
  const seed = (line: number) => `file:${opts.sha256}:${line}`;
  let pending: Pending[] = [];

  const flush = async (): Promise<SourcedItem[]> => {
    const flats = pending.flatMap((p) => (p.flat ? [p.flat] : []));
    const users = flats.length ? await opts.resolveEmails(emailsOf(flats)) : new Map<string, string>();
    const items = pending.map((p) => ({
      payload: p.flat ? flatToStatement(p.flat, { seed: seed(p.line), scope: 'file', users }) : p.value,
      origin: `${opts.name}:${p.line}`,
    }));
    pending = [];
    return items;
  };

  if (format === 'ndjson') {
    for await (const { line, text } of linesOf(file)) {
      if (!text.trim()) continue;
      pending.push({ line, value: ndjsonItem(text, seed(line)) });
      if (pending.length >= batch) yield await flush();
    }
  } else {
    const reader = new CsvReader();
    let header: FlatField[] | null = null;
    const take = (r: CsvRecord) => {
      if (!header) {
        header = csvHeader(r.fields);
        return;
      }
      const error =
        r.error ??
        (r.fields.length !== header.length
          ? `expected ${header.length} fields as in the header, found ${r.fields.length}`
          : null);
      if (error) {
        // Not a statement: dead-lettered with the fields as read and what is wrong with them.
        pending.push({ line: r.line, value: { error, fields: r.fields } });
        return;
      }
      const flat: FlatEvent = {};
      header.forEach((f, i) => (flat[f] = r.fields[i]));
      pending.push({ line: r.line, value: null, flat });
    };
    for await (const piece of textOf(file)) {
      for (const r of reader.push(piece)) take(r);
      if (pending.length >= batch) yield await flush();
    }
    for (const r of reader.end()) take(r);
    if (!header) throw new FileRejected('The CSV file is empty: it needs a header row');
  }
  if (pending.length) yield await flush();
}
