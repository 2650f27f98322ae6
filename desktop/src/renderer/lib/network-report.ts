import { useEffect } from 'react';
import { NetworkReport } from '../../contracts/downloads.ts';
import { learningApi } from './learning-api.ts';

/** The Network Information API where the browser has it (Chromium; its `type` only where the platform tells). */
interface NetworkInformationLike extends EventTarget {
  type?: unknown;
  saveData?: unknown;
}

function read(): NetworkReport | null {
  const c = (navigator as Navigator & { connection?: NetworkInformationLike }).connection;
  if (!c) return null;
  const r = NetworkReport.safeParse({
    type: typeof c.type === 'string' ? c.type : null,
    saveData: typeof c.saveData === 'boolean' ? c.saveData : null,
  });
  return r.success ? r.data : NetworkReport.parse({});
}

/**
 * Tell the core what kind of connection this is (at start and on each change), so updates of offline copies can wait
 * for Wi-Fi on a metered connection. Desktop Chromium and Electron do not know the connection's type: the report then
 * says nothing and the core downloads.
 */
export function useNetworkReport(): void {
  useEffect(() => {
    const c = (navigator as Navigator & { connection?: NetworkInformationLike }).connection;
    const send = () => {
      const r = read();
      if (r) learningApi.reportNetwork(r).catch(() => undefined);
    };
    send();
    c?.addEventListener('change', send);
    return () => c?.removeEventListener('change', send);
  }, []);
}
