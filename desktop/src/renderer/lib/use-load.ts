import { useCallback, useEffect, useState } from 'react';
import { asFailure, type ApiFailure } from './api.ts';

export type Loaded<T> =
  { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: ApiFailure };

/** Load data from the local API; reloads when `deps` change, and keeps showing the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [n, setN] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    run().then(
      (data) => live && setState({ status: 'ready', data }),
      (err: unknown) =>
        live &&
        setState({
          status: 'error',
          error: asFailure(err),
        }),
    );
    return () => {
      live = false;
    };
  }, [run, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { state, reload, set: (data: T) => setState({ status: 'ready', data }) };
}
