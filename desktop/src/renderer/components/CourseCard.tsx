import type { CourseSummary } from '@lyceum/contracts';
import { formatDuration, formatPrice, labels, languageName } from '../lib/format.ts';
import { Link } from './Link.tsx';
import { Rating } from './Rating.tsx';

/** A course in a list: the whole card is one link (one Tab stop), its title is the link's name. */
export function CourseCard({ course }: { course: CourseSummary }) {
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
        <span>{labels.level[course.level] ?? course.level}</span>
        <span>{labels.type[course.type] ?? course.type}</span>
        <span>{languageName(course.language)}</span>
      </p>
      {course.excerpt ? <p className="course-card__excerpt">{course.excerpt}</p> : null}
      <p className="course-card__by">{instructors ? `By ${instructors}` : null}</p>
      <div className="course-card__footer">
        <Rating average={course.ratingAverage} count={course.ratingCount} />
        <span className="muted">
          {course.lessonCount} {course.lessonCount === 1 ? 'lesson' : 'lessons'} ·{' '}
          {formatDuration(course.durationMinutes)}
        </span>
        <span className={course.price ? 'price' : 'price price--free'}>{formatPrice(course.price)}</span>
      </div>
    </article>
  );
}
