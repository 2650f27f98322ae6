import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { SyncStatus } from '../../contracts/sync-status.ts';
import { useConnectivity } from './connectivity.tsx';
import { learningApi, LOCAL_CHANGE } from './learning-api.ts';

interface SyncContext {
  status: SyncStatus | null;
  refresh: () => void;
  /** Ask the core to sync now. */
  syncNow: () => Promise<void>;
  dismiss: (id: string) => Promise<void>;
  /** Bumped whenever the synced data may have changed (screens reload on it). */
  version: number;
}

const Ctx = createContext<SyncContext>({
  status: null,
  refresh: () => {},
  syncNow: () => Promise.resolve(),
  dismiss: () => Promise.resolve(),
  version: 0,
});

/**
 * Polls the core's sync status every 2 s, and at once when the connection changes (so the pill follows the header);
 * screens re-read their data when a sync finished.
 */
export function SyncProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [version, setVersion] = useState(0);
  const last = useRef<string | null>(null);
  const apply = useCallback((s: SyncStatus) => {
    setStatus(s);
    const key = `${s.lastSyncAt ?? ''}|${s.pending}|${s.rejected.length}`;
    if (last.current !== null && last.current !== key) setVersion((v) => v + 1);
    last.current = key;
  }, []);
  const refresh = useCallback(() => {
    learningApi.sync().then(apply, () => undefined);
  }, [apply]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 2000);
    const events = ['focus', 'online', 'offline', LOCAL_CHANGE];
    for (const e of events) addEventListener(e, refresh);
    return () => {
      clearInterval(timer);
      for (const e of events) removeEventListener(e, refresh);
    };
  }, [refresh]);
  const online = useConnectivity().status?.online;
  useEffect(() => {
    if (online !== undefined) refresh();
  }, [online, refresh]);
  const syncNow = useCallback(() => learningApi.syncNow().then(apply), [apply]);
  const dismiss = useCallback((id: string) => learningApi.dismiss(id).then(apply), [apply]);
  return <Ctx.Provider value={{ status, refresh, syncNow, dismiss, version }}>{children}</Ctx.Provider>;
}

export const useSync = () => useContext(Ctx);
