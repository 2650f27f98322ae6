import { inline, parseBlocks } from './Markdown.tsx';

/**
 * The start of a Markdown text as one line of formatted text (course cards): blocks are joined, markers a cut left
 * unpaired are dropped, so `**` never shows raw.
 */
export function MarkdownExcerpt({ source, className }: { source: string; className?: string }) {
  const text = parseBlocks(source)
    .map((b) => (b.kind === 'rule' ? '' : b.kind === 'list' ? b.items.join(' · ') : b.text))
    .filter(Boolean)
    .join(' ');
  // Links become their text: the card is one link already (one Tab stop).
  const paired = dropUnpaired(text.replace(/\[([^\]]+)\]\([^)\s]*\)/g, '$1'));
  return <p className={className}>{inline(paired)}</p>;
}

/** Remove a trailing `**`, `*`, `_` or backtick that has no partner (the excerpt was cut inside the span). */
function dropUnpaired(text: string): string {
  let out = text;
  for (const marker of ['**', '`']) {
    const count = out.split(marker).length - 1;
    if (count % 2 === 1) {
      const i = out.lastIndexOf(marker);
      out = out.slice(0, i) + out.slice(i + marker.length);
    }
  }
  const singles = (out.replace(/\*\*/g, '').match(/\*/g) ?? []).length;
  if (singles % 2 === 1) {
    const i = out.lastIndexOf('*');
    out = out.slice(0, i) + out.slice(i + 1);
  }
  return out.replace(/\[([^\]]*)$/, '$1');
}
