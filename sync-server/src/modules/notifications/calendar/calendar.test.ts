import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarLink, CourseDetail } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { publishedCourse, setLessonDates } from '../schedule/test-support.ts';
import { buildCalendar, escapeText, foldLine } from './ics.ts';
import { calendarTokens } from './token.ts';

/** RFC 5545 read back: CRLF only, each physical line ≤ 75 octets, unfolded into properties, BEGIN/END balanced. */
function parseIcs(text: string): { name: string; params: string; value: string }[] {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(' ')) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  }
  const stack: string[] = [];
  const props = logical.map((l) => {
    const m = /^([A-Z-]+)((?:;[^:]*)?):(.*)$/.exec(l);
    if (!m) throw new Error(`not a content line: ${l}`);
    const [, name, params, value] = m as unknown as [string, string, string, string];
    if (name === 'BEGIN') stack.push(value);
    if (name === 'END') expect(stack.pop()).toBe(value);
    return { name, params, value };
  });
  expect(stack).toEqual([]);
  return props;
}

const unescape = (v: string) =>
  v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

describe('iCalendar writing', () => {
  it('escapes TEXT, folds at 75 octets without splitting a character, ends lines with CRLF', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const long = `SUMMARY:${'é'.repeat(100)}🙂${'x'.repeat(50)}`;
    const folded = foldLine(long);
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(
      folded
        .split('\r\n')
        .map((p, i) => (i ? p.slice(1) : p))
        .join(''),
    ).toBe(long);
    const title = 'Quiz 1; chapters 1, 2 \\ "intro"\nand more — ' + 'très long '.repeat(12);
    const ics = buildCalendar({
      name: 'Test',
      events: [{ uid: 'u1@lyceum', at: new Date('2027-01-02T03:04:05Z'), summary: title, alarmMinutes: 60 }],
      now: new Date('2026-12-01T00:00:00Z'),
    });
    const props = parseIcs(ics);
    const summary = props.find((p) => p.name === 'SUMMARY')!;
    expect(unescape(summary.value)).toBe(title);
    expect(props.find((p) => p.name === 'DTEND')!.value).toBe('20270102T030405Z');
    expect(props.find((p) => p.name === 'DTSTART')!.value).toBe('20270102T024905Z');
    expect(props.filter((p) => p.name === 'BEGIN').map((p) => p.value)).toEqual([
      'VCALENDAR',
      'VEVENT',
      'VALARM',
    ]);
    for (const required of ['VERSION', 'PRODID', 'UID', 'DTSTAMP'])
      expect(props.some((p) => p.name === required)).toBe(true);
  });
});

describe('calendar tokens', () => {
  const tokens = calendarTokens('s'.repeat(40));
  it('verify their own user and refuse forged, altered, expired and foreign tokens', async () => {
    const id = '0190c2a4-1111-7000-8000-000000000001';
    const { token } = await tokens.sign(id);
    expect(await tokens.verify(token)).toBe(id);
    const [h, p, sig] = token.split('.') as [string, string, string];
    const other = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    other.sub = '0190c2a4-1111-7000-8000-000000000002';
    const altered = `${h}.${Buffer.from(JSON.stringify(other)).toString('base64url')}.${sig}`;
    await expect(tokens.verify(altered)).rejects.toMatchObject({ code: 'invalid_token' });
    const foreign = await calendarTokens('t'.repeat(40)).sign(id);
    await expect(tokens.verify(foreign.token)).rejects.toMatchObject({ code: 'invalid_token' });
    const old = await tokens.sign(id, new Date(Date.now() - 400 * 86_400_000));
    await expect(tokens.verify(old.token)).rejects.toMatchObject({ code: 'token_expired' });
    await expect(tokens.verify('not.a.token')).rejects.toMatchObject({ code: 'invalid_token' });
  });
});

describe('GET /api/v1/me/calendar(.ics)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('gives a subscription link whose feed lists my deadlines; forged or expired tokens get 401 and no data', async () => {
    const teacher = await t.user('instructor');
    const student = await t.user('student');
    const course: CourseDetail = await publishedCourse(t.api, teacher.token, [
      { title: 'Essay, part 1; draft' },
      { title: 'Reading' },
    ]);
    expect(
      (await t.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: student.token })).status,
    ).toBe(201);
    const due = new Date(Date.now() + 5 * 86_400_000);
    due.setUTCMilliseconds(0);
    await setLessonDates(t.api, teacher.token, course, { 'Essay, part 1; draft': { dueAt: due } });

    const link = await t.api<CalendarLink>('GET', '/api/v1/me/calendar', { token: student.token });
    expect(link.status).toBe(200);
    expect(link.body.webcalUrl.startsWith('webcal://')).toBe(true);
    expect(new URL(link.body.url).pathname).toBe('/api/v1/me/calendar.ics');
    const feedUrl = `${t.url}/api/v1/me/calendar.ics?token=${encodeURIComponent(link.body.token)}`;
    const res = await fetch(feedUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const props = parseIcs(await res.text());
    const summaries = props.filter((p) => p.name === 'SUMMARY').map((p) => unescape(p.value));
    expect(summaries).toEqual([`Due: Essay, part 1; draft (${course.title})`]);
    const icsTime = due.toISOString().replace(/[-:]/g, '').replace('.000', '');
    expect(props.find((p) => p.name === 'DTEND')!.value).toBe(icsTime);

    const [h, p] = link.body.token.split('.') as [string, string, string];
    for (const bad of [`${h}.${p}.AAAA`, student.token, 'garbage']) {
      const r = await t.api<{ error: { code: string } }>(
        'GET',
        `/api/v1/me/calendar.ics?token=${encodeURIComponent(bad)}`,
      );
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('invalid_token');
    }
    const expired = await t.server.schedule.tokens.sign(student.id, new Date(Date.now() - 366 * 86_400_000));
    const r = await t.api<{ error: { code: string } }>(
      'GET',
      `/api/v1/me/calendar.ics?token=${encodeURIComponent(expired.token)}`,
    );
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('token_expired');
    expect((await t.api('GET', '/api/v1/me/calendar.ics')).status).toBe(400);
    // A disabled account's link stops working.
    await t.server.database.pool.query('UPDATE users SET disabled = true WHERE id = $1', [student.id]);
    expect((await fetch(feedUrl)).status).toBe(401);
    expect((await t.api('GET', '/api/v1/me/calendar')).status).toBe(401);
  });
});
