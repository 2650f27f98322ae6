import { Link } from '../../../components/Link.tsx';
import { useT } from '../../../i18n/use-t.ts';

export type EditorTab = 'details' | 'structure' | 'preview' | 'publish' | 'conflicts';
export const EDITOR_TABS: EditorTab[] = ['details', 'structure', 'preview', 'publish', 'conflicts'];

const labels = {
  details: 'author.tab.details',
  structure: 'author.tab.structure',
  preview: 'author.tab.preview',
  publish: 'author.tab.publish',
  conflicts: 'author.tab.conflicts',
} as const;

/** The editor's pages as links (each has its own address); the conflicts link carries their count. */
export function EditorTabs({
  courseId,
  current,
  conflicts,
}: {
  courseId: string;
  current: EditorTab | null;
  conflicts: number;
}) {
  const t = useT();
  return (
    <nav className="teach-tabs" aria-label={t('author.tabs')}>
      <ul>
        {EDITOR_TABS.map((tab) => (
          <li key={tab}>
            <Link
              href={`/teach/${courseId}/edit?tab=${tab}`}
              className={`teach-tabs__link${tab === current ? ' teach-tabs__link--current' : ''}`}
              aria-current={tab === current ? 'page' : undefined}
            >
              {t(labels[tab])}
              {tab === 'conflicts' && conflicts ? ` (${conflicts})` : ''}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
