import { z } from 'zod';
import type { Connectivity } from '../../contracts/app.ts';
import type { SettingsRepo } from '../store/settings.ts';

const LAST_CONTACT = 'connectivity.lastContactAt';

export interface ConnectivityMonitor {
  /** Record the outcome of any request to the server. */
  record(ok: boolean, error?: string): void;
  snapshot(): Connectivity;
  /** When the server was last found reachable after not being (null while offline): what was known before may be stale. */
  onlineSince(): number | null;
  /** True when the last attempt failed less than `withinMs` ago: callers may skip the network and use the cache. */
  knownOffline(withinMs?: number): boolean;
  /** Probe the server unless something was heard from it within `maxAgeMs`; concurrent calls share one probe. */
  check(maxAgeMs?: number): Promise<Connectivity>;
}

/** Online/offline as last observed, and the last successful contact (kept across restarts). */
export function connectivityMonitor(opts: {
  serverUrl: string;
  settings: SettingsRepo;
  probe: () => Promise<unknown>;
  now?: () => number;
}): ConnectivityMonitor {
  const now = opts.now ?? Date.now;
  let online = false;
  let onlineSince: number | null = null;
  let lastCheckedAt: number | null = null;
  let lastError: string | null = null;
  const stored = opts.settings.get(LAST_CONTACT, z.iso.datetime());
  let lastContactAt: number | null = stored ? Date.parse(stored) : null;
  let persistedAt = 0;
  let probing: Promise<Connectivity> | null = null;

  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

  const monitor: ConnectivityMonitor = {
    record(ok, error) {
      const t = now();
      lastCheckedAt = t;
      if (ok && !online) onlineSince = t;
      if (!ok) onlineSince = null;
      online = ok;
      if (ok) {
        lastError = null;
        lastContactAt = t;
        // One write every few seconds is enough for "last successful contact".
        if (t - persistedAt > 5000) {
          persistedAt = t;
          opts.settings.set(LAST_CONTACT, new Date(t).toISOString());
        }
      } else {
        lastError = error ?? 'unreachable';
      }
    },
    snapshot: () => ({
      online,
      serverUrl: opts.serverUrl,
      lastContactAt: iso(lastContactAt),
      lastCheckedAt: iso(lastCheckedAt),
      lastError,
    }),
    onlineSince: () => onlineSince,
    knownOffline(withinMs = 3000) {
      return !online && lastCheckedAt !== null && now() - lastCheckedAt < withinMs;
    },
    check(maxAgeMs = 3000) {
      if (lastCheckedAt !== null && now() - lastCheckedAt < maxAgeMs)
        return Promise.resolve(monitor.snapshot());
      probing ??= opts
        .probe()
        .catch(() => undefined)
        .then(() => monitor.snapshot())
        .finally(() => {
          probing = null;
        });
      return probing;
    },
  };
  return monitor;
}
