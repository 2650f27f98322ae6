import { safeStorage } from 'electron';
import { fileKeySecretBox, type SecretBox } from '../core/secret-box.ts';

const PREFIX = 'ss1:';

/**
 * Tokens sealed with Electron safeStorage (Keychain, DPAPI, libsecret/kwallet). Where the OS offers no encryption,
 * the web-mode key file is used instead; either way, values sealed by the key file (a web-mode run) still open.
 */
export function safeStorageSecretBox(dataDir: string): SecretBox {
  const fallback = fileKeySecretBox(dataDir);
  if (!safeStorage.isEncryptionAvailable()) return fallback;
  return {
    kind: 'electron safeStorage',
    encrypt: (plain) => PREFIX + safeStorage.encryptString(plain).toString('base64'),
    decrypt: (sealed) =>
      sealed.startsWith(PREFIX)
        ? safeStorage.decryptString(Buffer.from(sealed.slice(PREFIX.length), 'base64'))
        : fallback.decrypt(sealed),
  };
}
