import type { Caller } from '../../http/route.ts';
import { contactsOf, type UserDirectory } from '../enrollment/users.ts';
import type { ReportService } from './reports.ts';

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
 * gets a leading apostrophe; numbers are written as they are.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvRow = (cells: (string | number | null)[]): string => cells.map(csvCell).join(',');

/** The gradebook of a course: one row per student (dropped ones too, with their status). */
export async function gradebookCsv(
  reports: ReportService,
  users: UserDirectory,
  courseId: string,
  caller: Caller,
): Promise<{ filename: string; csv: string }> {
  const { structure, rows, facts } = await reports.classFacts(courseId, caller);
  const contacts = await contactsOf(
    users,
    rows.map((r) => r.userId),
  );
  const graded = structure.lessons.filter((l) => structure.quizzes.get(l.id)?.graded);
  const header = [
    'Name',
    'Email',
    'Status',
    'Progress %',
    ...graded.map((l) => `${l.title} (best %)`),
    'Course grade',
    'Last activity',
  ];
  const lines = rows
    .map((r) => ({ r, f: facts.get(r.userId)!, c: contacts.get(r.userId) ?? { name: '', email: '' } }))
    .sort((a, b) => a.c.name.localeCompare(b.c.name) || a.c.email.localeCompare(b.c.email))
    .map(({ r, f, c }) =>
      csvRow([
        c.name,
        c.email,
        r.status,
        f.progressPercent,
        ...graded.map((l) => f.quizzes.get(l.id)?.bestPercent ?? null),
        f.grade,
        f.lastActivityAt?.toISOString() ?? null,
      ]),
    );
  const slug =
    structure.course.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'course';
  return { filename: `gradebook-${slug}.csv`, csv: [csvRow(header), ...lines].join('\r\n') + '\r\n' };
}
