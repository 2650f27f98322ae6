import type { TextPart } from '../../../contracts/lesson-search.ts';
import { Link } from '../../components/Link.tsx';
import { useFormat } from '../../lib/format.ts';
import { useT } from '../../i18n/use-t.ts';
import { useLessonHits } from './lesson-hits.ts';

/** How many lesson hits the catalog shows above the courses. */
const SHOWN = 5;

/** Text with the searched words marked. */
function Marked({ parts }: { parts: TextPart[] }) {
  return (
    <>{parts.map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}</>
  );
}

/**
 * "In your courses": lessons of the student's stored courses (text lessons, quiz questions) holding the words of the
 * catalog search, each opening the lesson; searched on the device, so it answers offline too.
 */
export function LessonHits({ q }: { q: string | undefined }) {
  const t = useT();
  const f = useFormat();
  const hits = useLessonHits(q, SHOWN);
  if (!hits?.items.length) return null;
  return (
    <section className="lesson-hits" aria-labelledby="lesson-hits-title">
      <h3 id="lesson-hits-title" className="lesson-hits__title">
        {t('catalog.lessonHits.title', { count: hits.items.length })}
      </h3>
      <ul className="lesson-hits__list">
        {hits.items.map((h) => (
          <li key={h.lessonId} className="lesson-hit">
            <Link href={`/learn/${h.courseId}/lessons/${h.lessonId}`} className="lesson-hit__link">
              <Marked parts={h.title} />
            </Link>
            <span className="lesson-hit__where">
              {t('catalog.lessonHits.where', {
                kind: f.label('kind', h.kind),
                course: h.courseTitle,
                module: h.moduleTitle,
              })}
            </span>
            {h.snippet.length ? (
              <p className="lesson-hit__snippet">
                <Marked parts={h.snippet} />
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
