import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown, parseBlocks } from './Markdown.tsx';

const html = (source: string) => renderToStaticMarkup(createElement(Markdown, { source }));

describe('safe Markdown', () => {
  it('renders headings, lists, emphasis, code and quotes as elements', () => {
    const out = html(
      '# Title\n\nSome **bold**, *italic* and `code`.\n\n- one\n- two\n\n1. first\n\n> quoted\n\n```\nx < y\n```',
    );
    expect(out).toContain('<h2>Title</h2>');
    expect(out).toContain('<strong>bold</strong>');
    expect(out).toContain('<em>italic</em>');
    expect(out).toContain('<code>code</code>');
    expect(out).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(out).toContain('<ol><li>first</li></ol>');
    expect(out).toContain('<blockquote>quoted</blockquote>');
    expect(out).toContain('<pre tabindex="0"><code>x &lt; y</code></pre>');
  });

  it('shows images from https and from the local API, with their alt text; other sources are text', () => {
    const out = html(
      '![A cell](https://example.org/cell.png) ![Diagram](/api/media/assets/a1/diagram.png) ![x](javascript:alert(1)) ![y](http://plain.example/y.png)',
    );
    expect(out).toContain(
      '<img src="https://example.org/cell.png" alt="A cell" loading="lazy" class="md-image"/>',
    );
    expect(out).toContain(
      '<img src="/api/media/assets/a1/diagram.png" alt="Diagram" loading="lazy" class="md-image"/>',
    );
    expect(out).not.toMatch(/src="javascript|src="http:/);
    expect(out).toContain('<span>x</span>');
  });

  it('never lets HTML or script URLs through', () => {
    const out = html(
      '<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) [ok](https://example.org)',
    );
    expect(out).not.toMatch(/<script|<img|href="javascript/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('<span>click</span>');
    expect(out).toContain('<a href="https://example.org" target="_blank" rel="noopener noreferrer">ok</a>');
  });

  it('splits blocks on blank lines and joins wrapped paragraph lines', () => {
    expect(parseBlocks('a\nb\n\nc')).toEqual([
      { kind: 'paragraph', text: 'a b' },
      { kind: 'paragraph', text: 'c' },
    ]);
  });
});
