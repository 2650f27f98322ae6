import { useCallback, useEffect, useRef, useState } from 'react';
import type { DraftEditBody, DraftView } from '../../../../contracts/authoring.ts';
import { asFailure, type ApiFailure } from '../../../lib/api.ts';
import { authoringApi } from '../../../lib/authoring-api.ts';

/** How often the editor asks the core how the draft stands (edits synced, conflicts, publish answers). */
const REFRESH_MS = 3000;

export type DraftState =
  { status: 'loading' } | { status: 'ready'; view: DraftView } | { status: 'error'; error: ApiFailure };

/**
 * One course's draft on this device: loaded from the local API (works offline), refreshed every few seconds, and
 * changed by `edit`, which sends edits one after another (each on the draft the previous one left).
 */
export function useDraft(courseId: string) {
  const [state, setState] = useState<DraftState>({ status: 'loading' });
  const [saving, setSaving] = useState(0);
  const [editError, setEditError] = useState<ApiFailure | null>(null);
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const refresh = useCallback(async () => {
    try {
      const view = await authoringApi.draft(courseId);
      setState({ status: 'ready', view });
    } catch (err) {
      setState((s) => (s.status === 'ready' ? s : { status: 'error', error: asFailure(err) }));
    }
  }, [courseId]);

  useEffect(() => {
    setState({ status: 'loading' });
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  /** Queue one edit; resolves true when the core took it (the draft shown is the one it answered). */
  const edit = useCallback(
    (body: DraftEditBody): Promise<boolean> => {
      setSaving((n) => n + 1);
      const run = queue.current.then(async () => {
        try {
          const { draft } = await authoringApi.edit(courseId, body);
          setEditError(null);
          setState((s) =>
            s.status === 'ready'
              ? { status: 'ready', view: { ...s.view, draft, pendingEdits: s.view.pendingEdits + 1 } }
              : s,
          );
          return true;
        } catch (err) {
          setEditError(asFailure(err));
          return false;
        } finally {
          setSaving((n) => n - 1);
        }
      });
      queue.current = run;
      return run.then((ok) => {
        void refresh();
        return ok;
      });
    },
    [courseId, refresh],
  );

  const setView = useCallback((view: DraftView) => setState({ status: 'ready', view }), []);
  return { state, edit, saving: saving > 0, editError, refresh, setView };
}

export type DraftEditor = ReturnType<typeof useDraft>;
