import { z } from 'zod';
import type { DownloadSettings, DownloadSettingsView, NetworkReport } from '../../contracts/downloads.ts';
import type { SettingsRepo } from '../store/settings.ts';

const METERED_TYPES = new Set(['cellular', 'bluetooth', 'wimax']);
const UNMETERED_TYPES = new Set(['wifi', 'ethernet']);

/** Metered when the platform says cellular (or tethering) or the user turned on the data saver; null when it does not say. */
export function meteredOf(r: NetworkReport): boolean | null {
  if (r.saveData === true) return true;
  if (r.type && METERED_TYPES.has(r.type)) return true;
  if (r.type && UNMETERED_TYPES.has(r.type)) return false;
  return null;
}

const KEY = 'downloads.wifiOnly';

/**
 * When background downloads of new content may run: always, unless the student chose "only on Wi-Fi" and the
 * platform says the connection is metered. When the platform does not tell (desktop Chromium, Electron), they run.
 */
export function networkPolicy(settings: SettingsRepo, onChange: () => void) {
  let metered: boolean | null = null;
  const wifiOnly = () => settings.get(KEY, z.boolean()) ?? true;
  const held = () => wifiOnly() && metered === true;
  const view = (): DownloadSettingsView => ({ wifiOnly: wifiOnly(), metered, held: held() });
  return {
    held,
    view,
    /** The renderer's report of the connection; answers the settings as they now apply. */
    report(r: NetworkReport): DownloadSettingsView {
      const before = held();
      metered = meteredOf(r);
      if (before !== held()) onChange();
      return view();
    },
    set(s: DownloadSettings): DownloadSettingsView {
      const before = held();
      settings.set(KEY, s.wifiOnly);
      if (before !== held()) onChange();
      return view();
    },
  };
}
export type NetworkPolicy = ReturnType<typeof networkPolicy>;
