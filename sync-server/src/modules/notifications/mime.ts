import { randomUUID } from 'node:crypto';

/**
 * A notification email as a complete RFC 5322 / MIME message, built once per content: the text and HTML parts are
 * quoted-printable encoded once, around the one thing that differs per recipient (the unsubscribe URL, also in the
 * List-Unsubscribe header of RFC 8058), so addressing it to each of 50,000 students is string concatenation, not a
 * MIME composition each.
 */

const CRLF = '\r\n';
const HEX = '0123456789ABCDEF';

const PRINTABLE = /^[\x20-\x7e]*$/;

/** The common case (an URL, ASCII text): only = is escaped (and a space ending the line), then soft breaks. */
function qpAscii(line: string, last: boolean): string[] {
  let enc = line.replace(/=/g, '=3D');
  if (last && enc.endsWith(' ')) enc = `${enc.slice(0, -1)}=20`;
  if (enc.length <= 75) return [enc];
  const out: string[] = [];
  let i = 0;
  while (enc.length - i > 75) {
    let cut = i + 75;
    if (enc[cut - 1] === '=') cut -= 1;
    else if (enc[cut - 2] === '=') cut -= 2;
    out.push(`${enc.slice(i, cut)}=`);
    i = cut;
  }
  out.push(enc.slice(i));
  return out;
}

/** Quoted-printable (RFC 2045) of one line without its line break: every byte but printable ASCII is =XX. */
function qpLine(line: string, last: boolean): string[] {
  if (PRINTABLE.test(line)) return qpAscii(line, last);
  const bytes = Buffer.from(line, 'utf8');
  const tokens: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const trailingSpace = (b === 0x20 || b === 0x09) && i === bytes.length - 1 && last;
    tokens.push(
      (b >= 33 && b <= 126 && b !== 61) || ((b === 0x20 || b === 0x09) && !trailingSpace)
        ? String.fromCharCode(b)
        : `=${HEX[b >> 4]}${HEX[b & 15]}`,
    );
  }
  // Soft line breaks: at most 76 characters a line, never inside an =XX.
  const out: string[] = [];
  let cur = '';
  for (const t of tokens) {
    if (cur.length + t.length > 75) {
      out.push(`${cur}=`);
      cur = '';
    }
    cur += t;
  }
  out.push(cur);
  return out;
}

/**
 * Quoted-printable of a text (line breaks become CRLF). With `open`, the text continues in another encoded piece:
 * it ends with a soft line break, so the pieces can simply be joined.
 */
export function qpEncode(text: string, open = false): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out = lines.map((l, i) => qpLine(l, !(open && i === lines.length - 1)).join(CRLF)).join(CRLF);
  return open ? `${out}=${CRLF}` : out;
}

const ASCII = /^[\x20-\x7e]*$/;

/** A header value: as is when it is printable ASCII, else RFC 2047 encoded words (UTF-8, base64), folded. */
export function headerValue(value: string): string {
  const v = value.replace(/[\r\n]+/g, ' ');
  if (ASCII.test(v)) return v;
  const words: string[] = [];
  let chunk = '';
  for (const ch of v) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

/** "Name <address>" or "address": the address (for the SMTP envelope and the Message-ID's domain). */
export const addressOf = (mailbox: string): string => /<([^>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();

function fromHeader(from: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (!m || !m[1]) return headerValue(from);
  return `${ASCII.test(m[1]) ? `"${m[1].replace(/"/g, '')}"` : headerValue(m[1])} <${m[2]}>`;
}

export interface RawParts {
  subject: string;
  /** The text part before the unsubscribe URL (the URL ends it). */
  textBefore: string;
  /** The HTML part before and after the unsubscribe URL (which is HTML-escaped between them). */
  htmlBefore: string;
  htmlAfter: string;
}

/** Build once; answers (recipient address, unsubscribe URL, the same escaped for HTML) → the whole message. */
export function prepareRaw(
  from: string,
  parts: RawParts,
): (to: string, unsubscribeUrl: string, unsubscribeHtml: string) => string {
  const boundary = `----=_lyceum_${randomUUID()}`;
  const domain = addressOf(from).split('@')[1] ?? 'lyceum.local';
  const head =
    `From: ${fromHeader(from)}${CRLF}` +
    `Subject: ${headerValue(parts.subject)}${CRLF}` +
    `MIME-Version: 1.0${CRLF}` +
    `Content-Type: multipart/alternative; boundary="${boundary}"${CRLF}`;
  const partHead = (type: string) =>
    `--${boundary}${CRLF}Content-Type: ${type}; charset=utf-8${CRLF}` +
    `Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}`;
  const text = partHead('text/plain') + qpEncode(parts.textBefore, true);
  const html = partHead('text/html') + qpEncode(parts.htmlBefore, true);
  const htmlAfter = qpEncode(parts.htmlAfter);
  const end = `${CRLF}--${boundary}--${CRLF}`;
  return (to, url, urlHtml) =>
    `${head}To: ${to}${CRLF}Date: ${new Date().toUTCString()}${CRLF}` +
    `Message-ID: <${randomUUID()}@${domain}>${CRLF}` +
    `List-Unsubscribe: <${url}>${CRLF}List-Unsubscribe-Post: List-Unsubscribe=One-Click${CRLF}${CRLF}` +
    `${text}${qpEncode(url)}${CRLF}` +
    `${html}${qpEncode(urlHtml, true)}${htmlAfter}${end}`;
}
