import type { ReactNode } from 'react';

/**
 * A small, safe Markdown renderer: the text becomes React elements (never HTML), so anything that looks like markup
 * is shown as text. Supports headings, paragraphs, lists, block quotes, fenced code, rules, and inline code, bold,
 * italics, http(s)/mailto links and images (`![alt](url)`, from https or from this app's own local API).
 */

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'quote'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'rule' };

export function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  const isBreak = (l: string) =>
    /^\s*$/.test(l) ||
    /^#{1,6}\s/.test(l) ||
    /^```/.test(l) ||
    /^\s*([-*+]|\d+[.)])\s+/.test(l) ||
    /^>/.test(l);
  while (i < lines.length) {
    const line = lines[i]!;
    if (/^\s*$/.test(line)) {
      i++;
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      blocks.push({ kind: 'heading', level: h[1]!.length, text: h[2]!.replace(/\s+#+\s*$/, '') });
      i++;
      continue;
    }
    if (/^```/.test(line)) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i]!)) code.push(lines[i++]!);
      i++;
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ kind: 'rule' });
      i++;
      continue;
    }
    const li = /^\s*([-*+]|\d+[.)])\s+/.exec(line);
    if (li) {
      const ordered = /\d/.test(li[1]!);
      const items: string[] = [];
      while (i < lines.length) {
        const m = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(lines[i]!);
        if (!m || /\d/.test(m[1]!) !== ordered) break;
        items.push(m[2]!);
        i++;
      }
      blocks.push({ kind: 'list', ordered, items });
      continue;
    }
    if (/^>/.test(line)) {
      const quote: string[] = [];
      while (i < lines.length && /^>/.test(lines[i]!)) quote.push(lines[i++]!.replace(/^>\s?/, ''));
      blocks.push({ kind: 'quote', text: quote.join(' ') });
      continue;
    }
    const para: string[] = [line];
    i++;
    while (i < lines.length && !isBreak(lines[i]!)) para.push(lines[i++]!);
    blocks.push({ kind: 'paragraph', text: para.join(' ') });
  }
  return blocks;
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;
/** Where an image may come from: the web over https, or the local API (an uploaded file, readable offline). */
const SAFE_IMAGE = /^(https:\/\/|\/api\/)/i;

/** Inline spans: `code`, **bold**, *italic* / _italic_, [text](url), ![alt](url). Everything else is text. */
export function inline(text: string, key = 'i'): ReactNode[] {
  const out: ReactNode[] = [];
  const re =
    /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(!\[[^\]]*\]\([^)\s]+\))|(\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  let n = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const k = `${key}-${n++}`;
    const t = m[0];
    if (m[1]) out.push(<code key={k}>{t.slice(1, -1)}</code>);
    else if (m[2]) out.push(<strong key={k}>{inline(t.slice(2, -2), k)}</strong>);
    else if (m[3]) out.push(<em key={k}>{inline(t.slice(1, -1), k)}</em>);
    else if (m[4]) {
      const img = /^!\[([^\]]*)\]\(([^)\s]+)\)$/.exec(t)!;
      const src = img[2]!;
      out.push(
        SAFE_IMAGE.test(src) ? (
          <img key={k} src={src} alt={img[1]!} loading="lazy" className="md-image" />
        ) : (
          <span key={k}>{img[1]}</span>
        ),
      );
    } else {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(t)!;
      const href = link[2]!;
      out.push(
        SAFE_URL.test(href) ? (
          <a key={k} href={href} target="_blank" rel="noopener noreferrer">
            {inline(link[1]!, k)}
          </a>
        ) : (
          <span key={k}>{link[1]}</span>
        ),
      );
    }
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Markdown({ source, headingOffset = 1 }: { source: string; headingOffset?: number }) {
  const blocks = parseBlocks(source);
  return (
    <div className="markdown">
      {blocks.map((b, i) => {
        const k = `b${i}`;
        switch (b.kind) {
          case 'heading': {
            const level = Math.min(6, b.level + headingOffset);
            const Tag = `h${level}` as 'h2';
            return <Tag key={k}>{inline(b.text, k)}</Tag>;
          }
          case 'paragraph':
            return <p key={k}>{inline(b.text, k)}</p>;
          case 'quote':
            return <blockquote key={k}>{inline(b.text, k)}</blockquote>;
          case 'code':
            return (
              <pre key={k} tabIndex={0}>
                <code>{b.text}</code>
              </pre>
            );
          case 'rule':
            return <hr key={k} />;
          case 'list': {
            const items = b.items.map((it, j) => <li key={`${k}-${j}`}>{inline(it, `${k}-${j}`)}</li>);
            return b.ordered ? <ol key={k}>{items}</ol> : <ul key={k}>{items}</ul>;
          }
        }
      })}
    </div>
  );
}
