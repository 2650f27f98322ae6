import { z } from 'zod';

/**
 * What the renderer knows of the connection (the Network Information API, `navigator.connection`): its `type` where
 * the platform tells (Android, ChromeOS; desktop Chromium and Electron leave it out) and the user's data saver.
 */
export const NetworkReport = z
  .object({
    type: z
      .enum(['bluetooth', 'cellular', 'ethernet', 'mixed', 'none', 'other', 'unknown', 'wifi', 'wimax'])
      .nullable()
      .default(null),
    saveData: z.boolean().nullable().default(null),
  })
  .strict();
export type NetworkReport = z.infer<typeof NetworkReport>;

/** Device settings of offline copies (kept on this device, not synced: each device has its own connections). */
export const DownloadSettings = z.object({
  /** Download updates of offline copies only on Wi-Fi or other unmetered connections. */
  wifiOnly: z.boolean(),
});
export type DownloadSettings = z.infer<typeof DownloadSettings>;

export const DownloadSettingsView = DownloadSettings.extend({
  /** The connection as last reported: true metered, false unmetered, null the platform does not tell. */
  metered: z.boolean().nullable(),
  /** Updates are held now (wifiOnly and a metered connection). */
  held: z.boolean(),
});
export type DownloadSettingsView = z.infer<typeof DownloadSettingsView>;
