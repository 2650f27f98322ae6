/**
 * A small, safe markdown renderer for announcements (in the inbox and in emails). Safety comes from the order: the
 * whole source is HTML-escaped FIRST, then a few constructs are turned into tags this code writes itself, so raw HTML
 * in the source can only ever come out as text. Links keep http(s) and mailto targets only (no javascript:, data:).
 * Supported: paragraphs, line breaks, # headings (h3–h5), - / * / 1. lists, **bold**, *italic*, `code`, [text](url).
 */
const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const SAFE_URL = /^(https?:\/\/|mailto:)[^\s]*$/i;

function inline(escaped: string): string {
  // Code spans first; their content is kept away from the other rules.
  const codes: string[] = [];
  let s = escaped.replace(/`([^`]+)`/g, (_, c: string) => {
    codes.push(`<code>${c}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, text: string, href: string) => {
    // href is already escaped (& → &amp;, quotes → entities): safe inside a double-quoted attribute.
    const raw = href.replace(/&amp;/g, '&');
    return SAFE_URL.test(raw) ? `<a href="${href}" rel="noopener noreferrer">${text}</a>` : text;
  });
  s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  s = s.replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>');
  // eslint-disable-next-line no-control-regex -- the placeholder is a NUL, which escaped text never holds
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)]!);
}

/** Markdown → safe HTML. */
export function renderMarkdown(source: string): string {
  // eslint-disable-next-line no-control-regex -- NUL would collide with the code placeholders
  const lines = escapeHtml(source.replace(/\r\n?/g, '\n').replace(/\u0000/g, '')).split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | null = null;
  const flushPara = () => {
    if (para.length) out.push(`<p>${para.map(inline).join('<br>')}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list)
      out.push(`<${list.tag}>${list.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };
  for (const line of lines) {
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (!line.trim()) {
      flushPara();
      flushList();
    } else if (heading) {
      flushPara();
      flushList();
      const level = heading[1]!.length + 2;
      out.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
    } else if (bullet || numbered) {
      flushPara();
      const tag = bullet ? 'ul' : 'ol';
      if (list && list.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push((bullet ?? numbered)![1]!);
    } else {
      flushList();
      para.push(line);
    }
  }
  flushPara();
  flushList();
  return out.join('\n');
}

/** Markdown → plain text for the text/plain part of an email and for previews (markup removed, links as "text (url)"). */
export function markdownToText(source: string): string {
  return source
    .replace(/\r\n?/g, '\n')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 ($2)')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^#{1,3}\s+/gm, '')
    .trim();
}

export { escapeHtml };
