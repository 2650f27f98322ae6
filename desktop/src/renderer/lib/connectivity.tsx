import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Connectivity } from '../../contracts/app.ts';
import { api } from './api.ts';

interface ConnectivityContext {
  /** null until the first answer. */
  status: Connectivity | null;
  /** Ask the core again now (after a failed request, or when the window regains focus). */
  refresh: () => void;
}

const Ctx = createContext<ConnectivityContext>({ status: null, refresh: () => {} });

/** Polls the core's connectivity (every 5 s, and at once on focus or when the OS says the network changed). */
export function ConnectivityProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Connectivity | null>(null);
  const inFlight = useRef(false);
  const refresh = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    api
      .status()
      .then(setStatus, () => undefined)
      .finally(() => {
        inFlight.current = false;
      });
  }, []);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 5000);
    const events = ['online', 'offline', 'focus'] as const;
    for (const e of events) addEventListener(e, refresh);
    return () => {
      clearInterval(timer);
      for (const e of events) removeEventListener(e, refresh);
    };
  }, [refresh]);
  return <Ctx.Provider value={{ status, refresh }}>{children}</Ctx.Provider>;
}

export const useConnectivity = () => useContext(Ctx);
