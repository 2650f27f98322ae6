import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { MarkdownExcerpt } from './MarkdownExcerpt.tsx';

const html = (source: string) => renderToStaticMarkup(createElement(MarkdownExcerpt, { source }));

describe('a course card excerpt of a markdown description', () => {
  it('formats bold and italics instead of showing the markers', () => {
    expect(html('An **introductory** *course*.')).toBe(
      '<p>An <strong>introductory</strong> <em>course</em>.</p>',
    );
  });

  it('drops a marker the cut left without its partner, and links become their text', () => {
    expect(html('Learn **fast and')).toBe('<p>Learn fast and</p>');
    expect(html('See [the docs](https://example.org) now')).toBe('<p>See the docs now</p>');
  });

  it('joins headings, paragraphs and list items into one line', () => {
    expect(html('# Title\n\nText.\n\n- one\n- two')).toBe('<p>Title Text. one · two</p>');
  });
});
