import { Button } from './Button.tsx';
import { useT } from '../i18n/use-t.ts';

/** "Deleted … — Undo": a polite status near the bottom of the window; the action stays until it times out. */
export function UndoToast({ message, onUndo }: { message: string | null; onUndo: () => void }) {
  const t = useT();
  return (
    <div className="undo-toast" role="status" aria-live="polite" data-testid="undo-toast">
      {message ? (
        <div className="undo-toast__box">
          <span>{message}</span>
          <Button variant="primary" onClick={onUndo}>
            {t('author.undo')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
