import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export type ElectronBinary = { ok: true; path: string } | { ok: false; why: string };

/**
 * The Electron executable, if this machine can run it: the `electron` package installed with its binary downloaded
 * (its install script fetches it), and on Linux a display to open a window on.
 */
export function findElectron(desktopDir: string): ElectronBinary {
  if (process.env.LYCEUM_DESKTOP_MODE === 'web') return { ok: false, why: 'LYCEUM_DESKTOP_MODE=web' };
  let binary: unknown;
  try {
    binary = createRequire(path.join(desktopDir, 'package.json'))('electron');
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    if (/Cannot find module/.test(first)) return { ok: false, why: 'the electron package is not installed' };
    if (/failed to install correctly/.test(first))
      return { ok: false, why: 'the Electron binary was not downloaded when the package was installed' };
    return { ok: false, why: `the electron package does not load: ${first}` };
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary))
    return { ok: false, why: 'the Electron binary is not installed' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, why: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { ok: true, path: binary };
}
