import { XapiStatement, type EventSource } from '@lyceum/contracts';
import type { Ingest } from '../port.ts';

/** One item read by a source, and where exactly it came from ("inbox/a.csv:17", "legacy:lms.events:42"). */
export interface SourcedItem {
  payload: unknown;
  origin: string;
}

export interface Delivered {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * Hand a batch to the collector: the items that pass the statement schema in one `ingest` call (origin: the batch),
 * each invalid one in a call of its own with its exact origin, so its dead letter says which line or row it was.
 * The collector does the validation that counts; the check here only chooses the origin.
 */
export async function deliver(
  ingest: Ingest,
  items: readonly SourcedItem[],
  meta: { source: EventSource; origin: string },
): Promise<Delivered> {
  const valid: unknown[] = [];
  const invalid: SourcedItem[] = [];
  for (const item of items) {
    if (XapiStatement.safeParse(item.payload).success) valid.push(item.payload);
    else invalid.push(item);
  }
  const out: Delivered = { accepted: 0, duplicates: 0, rejected: 0 };
  const add = (r: Awaited<ReturnType<Ingest>>) => {
    out.accepted += r.accepted;
    out.duplicates += r.duplicates;
    out.rejected += r.rejected.length;
  };
  if (valid.length) add(await ingest(valid, meta));
  for (const item of invalid) add(await ingest([item.payload], { source: meta.source, origin: item.origin }));
  return out;
}
