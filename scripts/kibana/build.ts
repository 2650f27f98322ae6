import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { savedObjects, toNdjson } from './saved-objects.ts';

/**
 * Writes deploy/kibana/lyceum.ndjson from scripts/kibana/saved-objects.ts (`npm run kibana:build`); with `--check`,
 * only tells whether the file is up to date (exit 1 if not).
 */
export const NDJSON_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../deploy/kibana/lyceum.ndjson',
);

const text = toNdjson(savedObjects());
if (process.argv.includes('--check')) {
  const current = await fs.readFile(NDJSON_PATH, 'utf8').catch(() => '');
  if (current !== text) {
    console.error(`${path.relative(process.cwd(), NDJSON_PATH)} is out of date: run npm run kibana:build`);
    process.exit(1);
  }
  console.log(`${path.relative(process.cwd(), NDJSON_PATH)} is up to date`);
} else {
  await fs.mkdir(path.dirname(NDJSON_PATH), { recursive: true });
  await fs.writeFile(NDJSON_PATH, text);
  console.log(`wrote ${savedObjects().length} saved objects to ${path.relative(process.cwd(), NDJSON_PATH)}`);
}
