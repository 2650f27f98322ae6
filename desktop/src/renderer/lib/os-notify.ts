import type { LyceumBridge } from '../../preload/bridge.ts';

/** The preload bridge in Electron (absent in web mode). */
const bridge = (): LyceumBridge | undefined => (window as { lyceum?: LyceumBridge }).lyceum;

export type OsPermission = 'granted' | 'denied' | 'default' | 'unsupported';

/** Whether OS notifications can be shown: always in Electron (the app's own), in a browser after permission. */
export function osPermission(): OsPermission {
  if (bridge()) return 'granted';
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission;
}

/** Ask the browser for permission (from a click: browsers ignore it otherwise). */
export async function requestOsPermission(): Promise<OsPermission> {
  if (bridge() || typeof Notification === 'undefined') return osPermission();
  return Notification.requestPermission();
}

/** Show one OS notification: Electron's through the preload bridge, else the browser's. */
export function showOsNotification(n: {
  title: string;
  body: string;
  tag: string;
  onClick?: () => void;
}): void {
  const b = bridge();
  if (b) {
    void b.notify(n.title, n.body).catch(() => undefined);
    return;
  }
  if (osPermission() !== 'granted') return;
  const shown = new Notification(n.title, { body: n.body, tag: n.tag });
  shown.onclick = () => {
    window.focus();
    n.onClick?.();
    shown.close();
  };
}
