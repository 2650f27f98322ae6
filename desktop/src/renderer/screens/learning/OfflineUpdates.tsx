import { useIntl } from 'react-intl';
import type { AssetKind } from '@lyceum/contracts';
import type { LessonUpdate, OfflineNotice } from '../../../contracts/content.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useSync } from '../../lib/sync.tsx';
import { useLoad } from '../../lib/use-load.ts';

const KIND_KEYS = {
  video: 'download.kind.video',
  slides: 'download.kind.slides',
  document: 'download.kind.document',
  attachment: 'download.kind.attachment',
} as const;

/** "Lesson X (video, 12 MB)" for each lesson, joined as the language joins a list. */
export function useLessonList() {
  const t = useT();
  const f = useFormat();
  const intl = useIntl();
  return (items: { title: string; kinds: AssetKind[]; bytes: number }[]) =>
    intl.formatList(
      items.map((i) =>
        t('download.lessonItem', {
          title: i.title,
          kinds: intl.formatList(
            i.kinds.map((k) => t(KIND_KEYS[k])),
            { type: 'unit' },
          ),
          size: f.bytes(i.bytes),
        }),
      ),
      { type: 'conjunction' },
    );
}

/**
 * What an offline copy does not hold yet: lessons whose new content waits (for Wi-Fi, with "Download now") or is
 * downloading.
 */
export function UpdateSummary({
  updates,
  held,
  titles,
  busy,
  onDownloadNow,
}: {
  updates: LessonUpdate[];
  held: boolean;
  titles: Map<string, string>;
  busy: boolean;
  onDownloadNow: () => void;
}) {
  const t = useT();
  const list = useLessonList();
  const named = (us: LessonUpdate[]) =>
    list(us.map((u) => ({ title: titles.get(u.lessonId) ?? t('download.aLesson'), ...u })));
  const waiting = updates.filter((u) => u.state === 'waiting');
  const downloading = updates.filter((u) => u.state === 'downloading');
  if (!waiting.length && !downloading.length) return null;
  return (
    <div className="download-panel__updates" data-testid="offline-updates">
      {waiting.length ? (
        <p>
          {t('download.updates.waiting', { count: waiting.length, lessons: named(waiting) })}{' '}
          {held ? t('download.updates.heldForWifi') : t('download.updates.soon')}
        </p>
      ) : null}
      {downloading.length ? (
        <p>{t('download.updates.downloading', { count: downloading.length, lessons: named(downloading) })}</p>
      ) : null}
      {waiting.length ? (
        <Button onClick={onDownloadNow} busy={busy} busyLabel={t('download.updates.downloadingNow')}>
          {t('download.updates.downloadNow')}
        </Button>
      ) : null}
    </div>
  );
}

/** "New content in <course>: <lesson> — downloaded for offline use", each course's with a Dismiss. */
export function NoticeList({
  notices,
  onDismiss,
}: {
  notices: Pick<OfflineNotice, 'courseId' | 'courseTitle' | 'lessonId' | 'lessonTitle' | 'kinds' | 'bytes'>[];
  onDismiss: (courseId: string) => void;
}) {
  const t = useT();
  const list = useLessonList();
  if (!notices.length) return null;
  const byCourse = new Map<string, typeof notices>();
  for (const n of notices) byCourse.set(n.courseId, [...(byCourse.get(n.courseId) ?? []), n]);
  return (
    <div className="offline-notices" role="status">
      {[...byCourse.entries()].map(([courseId, ns]) => (
        <Banner key={courseId} tone="success">
          <span data-testid="offline-notice">
            {t('download.notice', {
              course: ns[0]!.courseTitle,
              lessons: list(ns.map((n) => ({ title: n.lessonTitle, kinds: n.kinds, bytes: n.bytes }))),
            })}
          </span>{' '}
          <Button variant="ghost" onClick={() => onDismiss(courseId)}>
            {t('download.notice.dismiss')}
          </Button>
        </Banner>
      ))}
    </div>
  );
}

/** My Learning's notices of new content downloaded for offline use (every course). */
export function OfflineNotices() {
  const { version } = useSync();
  const { state, set } = useLoad(() => learningApi.offlineNotices(), [version]);
  if (state.status !== 'ready') return null;
  return (
    <NoticeList
      notices={state.data.notices}
      onDismiss={(courseId) => void learningApi.dismissOfflineNotices(courseId).then(set, () => undefined)}
    />
  );
}
