import type { CourseSummary } from '@lyceum/contracts';
import { useT } from '../i18n/use-t.ts';
import { useFormat } from '../lib/format.ts';
import { Link } from './Link.tsx';
import { MarkdownExcerpt } from './MarkdownExcerpt.tsx';
import { Rating } from './Rating.tsx';

/** A course in a list: the whole card is one link (one Tab stop), its title is the link's name. */
export function CourseCard({ course }: { course: CourseSummary }) {
  const t = useT();
  const f = useFormat();
  const instructors = course.instructors.map((i) => i.name).join(', ');
  return (
    <article className="course-card">
      <h3 className="course-card__title">
        <Link href={`/courses/${course.id}`} className="course-card__link">
          {course.title}
        </Link>
      </h3>
      <p className="course-card__meta">
        <span>{course.subject}</span>
        <span>{f.label('level', course.level)}</span>
        <span>{f.label('type', course.type)}</span>
        <span>{f.languageName(course.language)}</span>
      </p>
      {course.excerpt ? <MarkdownExcerpt className="course-card__excerpt" source={course.excerpt} /> : null}
      <p className="course-card__by">{instructors ? t('course.by', { names: instructors }) : null}</p>
      <div className="course-card__footer">
        <Rating average={course.ratingAverage} count={course.ratingCount} />
        <span className="muted">
          {t('course.lessons', { count: course.lessonCount })} · {f.minutes(course.durationMinutes)}
        </span>
        <span className={course.price ? 'price' : 'price price--free'}>{f.price(course.price)}</span>
      </div>
    </article>
  );
}
