import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** A random secret created once and kept in the data folder (dev default for JWT signing and URL signing keys). */
export async function persistentSecret(dataDir: string, name: string): Promise<string> {
  const file = path.join(dataDir, 'secrets', name);
  if (!existsSync(file)) {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await fs
      .writeFile(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' })
      .catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
  }
  return (await fs.readFile(file, 'utf8')).trim();
}
