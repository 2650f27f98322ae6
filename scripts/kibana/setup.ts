import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run kibana:setup`: imports deploy/kibana/lyceum.ndjson (the data views and dashboards of Lyceum's analytics)
 * into Kibana through its saved objects API, replacing earlier versions of the same objects.
 *
 *   KIBANA_URL        Kibana's base URL, e.g. http://localhost:5601 (required)
 *   KIBANA_API_KEY    an API key (sent as `Authorization: ApiKey …`), or
 *   KIBANA_USERNAME / KIBANA_PASSWORD   basic authentication
 *   KIBANA_SPACE      a space other than the default one
 *   KIBANA_NDJSON     another file to import (default deploy/kibana/lyceum.ndjson)
 */
const DEFAULT_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../deploy/kibana/lyceum.ndjson',
);

interface ImportResponse {
  success?: boolean;
  successCount?: number;
  successResults?: { type: string; id: string; meta?: { title?: string } }[];
  errors?: {
    type: string;
    id: string;
    title?: string;
    meta?: { title?: string };
    error?: { type?: string; message?: string };
  }[];
  message?: string;
}

function fail(message: string): never {
  console.error(`kibana:setup: ${message}`);
  process.exit(1);
}

const env = process.env;
const base = env.KIBANA_URL?.trim();
if (!base) fail('KIBANA_URL is not set (e.g. KIBANA_URL=http://localhost:5601 npm run kibana:setup)');
let url: URL;
try {
  const space = env.KIBANA_SPACE ? `/s/${encodeURIComponent(env.KIBANA_SPACE)}` : '';
  url = new URL(`${base.replace(/\/+$/, '')}${space}/api/saved_objects/_import?overwrite=true`);
} catch {
  fail(`KIBANA_URL is not a URL: ${base}`);
}

const file = env.KIBANA_NDJSON ?? DEFAULT_FILE;
const ndjson = await fs.readFile(file, 'utf8').catch((e: Error) => fail(`cannot read ${file}: ${e.message}`));
const headers: Record<string, string> = { 'kbn-xsrf': 'true' };
if (env.KIBANA_API_KEY) headers.authorization = `ApiKey ${env.KIBANA_API_KEY}`;
else if (env.KIBANA_USERNAME)
  headers.authorization = `Basic ${Buffer.from(`${env.KIBANA_USERNAME}:${env.KIBANA_PASSWORD ?? ''}`).toString('base64')}`;
const form = new FormData();
form.append('file', new Blob([ndjson], { type: 'application/ndjson' }), path.basename(file));

const lines = ndjson.split('\n').filter((l) => l.trim()).length;
console.log(
  `kibana:setup: importing ${lines} saved objects from ${path.relative(process.cwd(), file)} into ${url.origin}`,
);
let res: Response;
try {
  res = await fetch(url, { method: 'POST', headers, body: form });
} catch (e) {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  fail(`cannot reach Kibana at ${url.origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
}
const text = await res.text();
let body: ImportResponse = {};
try {
  body = JSON.parse(text) as ImportResponse;
} catch {
  /* not JSON: reported below */
}
if (!res.ok) fail(`Kibana answered ${res.status} ${res.statusText}: ${body.message ?? text.slice(0, 500)}`);
for (const r of body.successResults ?? [])
  console.log(`  imported ${r.type} ${r.id}${r.meta?.title ? ` (${r.meta.title})` : ''}`);
for (const e of body.errors ?? [])
  console.error(
    `  FAILED ${e.type} ${e.id} (${e.meta?.title ?? e.title ?? ''}): ${e.error?.type ?? ''} ${e.error?.message ?? ''}`,
  );
if (!body.success) fail(`${body.errors?.length ?? 0} object(s) were not imported`);
console.log(`kibana:setup: ${body.successCount ?? 0} saved objects imported`);
