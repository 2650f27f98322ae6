import { describe, expect, it } from 'vitest';
import { headerValue, prepareRaw, qpEncode } from './mime.ts';

/** Quoted-printable decoding (RFC 2045) to UTF-8 text. */
const qpDecode = (s: string) =>
  Buffer.from(
    s
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})|([^=])/gs, (_, h: string | undefined, c: string | undefined) =>
        h ? String.fromCharCode(parseInt(h, 16)) : Buffer.from(c!, 'utf8').toString('latin1'),
      ),
    'latin1',
  ).toString('utf8');

describe('MIME built once per content', () => {
  it('quoted-printable: round trips any text, lines of at most 76 characters, pieces join with soft breaks', () => {
    const samples = [
      'plain ascii',
      'a=b?token=c&d=e '.repeat(20),
      'Élève: café, naïve — 日本語のテキスト 🎓'.repeat(5),
      'line one\nline two \n\ttabbed\r\nend ',
      'x'.repeat(74) + '=' + 'y'.repeat(200),
    ];
    for (const s of samples) {
      const enc = qpEncode(s);
      for (const line of enc.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
      expect(qpDecode(enc)).toBe(s.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n'));
      const joined = qpEncode(s, true) + qpEncode('!tail');
      expect(qpDecode(joined)).toBe(`${s.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n')}!tail`);
    }
  });

  it('headers: ASCII as is, other text as RFC 2047 encoded words, never a line break', () => {
    expect(headerValue('Chemistry: Exam date')).toBe('Chemistry: Exam date');
    expect(headerValue('evil\r\nBcc: x@y')).toBe('evil Bcc: x@y');
    const enc = headerValue('Chimie : la date de l’examen a changé, voyez le cours');
    const words = enc.split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    const decoded = words
      .map((w) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1]!, 'base64').toString('utf8'))
      .join('');
    expect(decoded).toBe('Chimie : la date de l’examen a changé, voyez le cours');
  });

  it('a message per recipient: its own To, Message-ID and RFC 8058 headers, the URL in both parts', () => {
    const build = prepareRaw('Lyceum <no-reply@lyceum.test>', {
      subject: 'Exam moved',
      textBefore: 'Friday\n--\nUnsubscribe: ',
      htmlBefore: '<p>Friday</p><a href="',
      htmlAfter: '">Unsubscribe</a>',
    });
    const a = build('a@x.test', 'http://h/u?token=A.b', 'http://h/u?token=A.b');
    const b = build('b@x.test', 'http://h/u?token=B.c&amp;', 'http://h/u?token=B.c&amp;amp;');
    const [headA, ...bodyA] = a.split('\r\n\r\n');
    expect(headA).toMatch(/^To: a@x\.test$/m);
    expect(headA).toMatch(/^From: "Lyceum" <no-reply@lyceum\.test>$/m);
    expect(headA).toMatch(/^List-Unsubscribe: <http:\/\/h\/u\?token=A\.b>$/m);
    expect(headA).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const idA = /^Message-ID: (.*)$/m.exec(headA!)![1];
    const idB = /^Message-ID: (.*)$/m.exec(b)![1];
    expect(idA).not.toBe(idB);
    const decoded = qpDecode(bodyA.join('\r\n\r\n'));
    expect(decoded).toContain('Unsubscribe: http://h/u?token=A.b\r\n');
    expect(decoded).toContain('<a href="http://h/u?token=A.b">Unsubscribe</a>');
    expect(b).toMatch(/^To: b@x\.test$/m);
    expect(qpDecode(b)).toContain('<a href="http://h/u?token=B.c&amp;amp;">Unsubscribe</a>');
    for (const line of a.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });
});
