import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Seals small secrets (the refresh token) before they reach the disk. Electron implements it with safeStorage
 * (the OS keychain); web mode with AES-256-GCM and a key file in the desktop data dir.
 */
export interface SecretBox {
  /** A short name of the mechanism, shown in diagnostics. */
  readonly kind: string;
  encrypt(plain: string): string;
  /** Throws when the text was not sealed by this box (another key, tampering). */
  decrypt(sealed: string): string;
}

const PREFIX = 'gcm1:';

/** Read the 32-byte key from `file`, creating it (mode 0600) on first use. */
export function loadOrCreateKey(file: string): Buffer {
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length === 32) return key;
    throw new Error(`The key file ${file} is damaged (expected 32 bytes)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    fs.writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKey(file);
    throw err;
  }
}

/** AES-256-GCM with a random 96-bit IV per message: `gcm1:` + base64(iv | tag | ciphertext). */
export function aesGcmSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  return {
    kind: 'aes-256-gcm key file',
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    decrypt(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('Not sealed by this secret box');
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
      if (raw.length < 28) throw new Error('Sealed text is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** The web-mode box: key in `<dataDir>/secret-box.key`. */
export function fileKeySecretBox(dataDir: string): SecretBox {
  return aesGcmSecretBox(loadOrCreateKey(path.join(dataDir, 'secret-box.key')));
}
