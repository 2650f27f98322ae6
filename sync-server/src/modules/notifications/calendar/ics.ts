/**
 * iCalendar (RFC 5545) writing: CRLF line ends, TEXT values escaped (backslash, semicolon, comma, newline), content
 * lines folded at 75 octets (a CRLF and one space; never inside a UTF-8 sequence), UTC date-times.
 */

export interface CalendarEvent {
  uid: string;
  /** When the event (the deadline) happens; written as a 15-minute event ending at the due time. */
  at: Date;
  summary: string;
  description?: string;
  url?: string;
  /** Changes to the source (a moved due date) bump it so calendar apps take the new version. */
  sequence?: number;
  /** A reminder this long before (minutes). */
  alarmMinutes?: number;
}

/** TEXT escaping (RFC 5545 §3.3.11). */
export function escapeText(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** 20261207T183000Z */
export function icsDateTime(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Fold one content line at 75 octets (§3.1): continuation lines start with a space, which counts toward their 75. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

// Control characters other than tab are not allowed in TEXT (§3.3.11); PostgreSQL text cannot hold NUL anyway.
// eslint-disable-next-line no-control-regex
const stripControls = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');

export function buildCalendar(o: { name: string; events: CalendarEvent[]; now?: Date }): string {
  const stamp = icsDateTime(o.now ?? new Date());
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Lyceum//Deadlines//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(stripControls(o.name))}`,
    'X-PUBLISHED-TTL:PT1H',
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
  ];
  for (const e of o.events) {
    const start = new Date(e.at.getTime() - 15 * 60_000);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(e.uid)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${icsDateTime(start)}`,
      `DTEND:${icsDateTime(e.at)}`,
      `SEQUENCE:${e.sequence ?? 0}`,
      `SUMMARY:${escapeText(stripControls(e.summary))}`,
    );
    if (e.description) lines.push(`DESCRIPTION:${escapeText(stripControls(e.description))}`);
    if (e.url) lines.push(`URL:${e.url}`);
    lines.push('TRANSP:TRANSPARENT');
    if (e.alarmMinutes) {
      lines.push(
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        `DESCRIPTION:${escapeText(stripControls(e.summary))}`,
        `TRIGGER:-PT${e.alarmMinutes}M`,
        'END:VALARM',
      );
    }
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
