import { useCallback, useEffect, useRef, useState } from 'react';
import { useT } from '../i18n/catalogues.ts';
import { describeError } from '../api.ts';

/** Load something when its inputs change; `reload` fetches again. Errors are a readable sentence. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const t = useT();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(load);
  latest.current = load;
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const d = await latest.current();
      if (mine === seq.current) {
        setData(d);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(describeError(err, t));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [t]);
  useEffect(() => {
    void reload();
  }, deps);
  return { data, error, loading, reload };
}
