import { useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import { AnalyticsChangedEvent } from '@lyceum/contracts';
import { accessToken } from '../api.ts';

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Calls `onChange` when the server says analytics figures changed (socket.io `analytics:changed`), at most every
 * `minGapMs`, and every `fallbackMs` anyway (live figures such as "active now" decay with time).
 */
export function useLive(onChange: () => void, minGapMs = 400, fallbackMs = 15_000): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const latest = useRef(onChange);
  latest.current = onChange;

  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const fire = () => {
      const wait = last + minGapMs - Date.now();
      if (wait > 0) {
        timer ??= setTimeout(() => {
          timer = null;
          fire();
        }, wait);
        return;
      }
      last = Date.now();
      latest.current();
    };
    const socket = io({
      path: '/socket.io',
      auth: (cb) => cb({ token: accessToken() }),
      transports: ['websocket'],
    });
    socket.on('connect', () => setState('live'));
    socket.on('disconnect', () => setState('offline'));
    socket.on('connect_error', () => setState('offline'));
    socket.on(AnalyticsChangedEvent, fire);
    const poll = setInterval(fire, fallbackMs);
    return () => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      socket.close();
    };
  }, [minGapMs, fallbackMs]);
  return state;
}
