/** What the preload exposes to the page as `window.lyceum` (Electron only; absent in web mode). */
export interface LyceumBridge {
  /** The app's version. */
  version(): Promise<string>;
  /** Open an http(s) link in the system browser. */
  openExternal(url: string): Promise<void>;
  /** Show an OS notification. */
  notify(title: string, body: string): Promise<void>;
}

export const channels = {
  version: 'lyceum:version',
  openExternal: 'lyceum:open-external',
  notify: 'lyceum:notify',
} as const;
