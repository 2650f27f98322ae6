import { useT } from '../../../i18n/use-t.ts';

/** "3 edits waiting to sync" (or all synced), announced politely as it changes. */
export function PendingEdits({ count, saving }: { count: number; saving: boolean }) {
  const t = useT();
  return (
    <p className="pending-edits" role="status" data-testid="pending-edits">
      <span
        className={`pending-edits__dot${count ? ' pending-edits__dot--waiting' : ''}`}
        aria-hidden="true"
      />
      {saving
        ? t('author.pending.saving')
        : count
          ? t('author.pending.waiting', { count })
          : t('author.pending.synced')}
    </p>
  );
}
