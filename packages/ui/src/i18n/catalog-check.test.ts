import { describe, expect, it } from 'vitest';
import { checkCatalogues } from './catalog-check.ts';
import { uiMessages } from './ui-messages.ts';

describe('catalogue check', () => {
  it('finds missing and extra keys, broken ICU and placeholders that differ', () => {
    const problems = checkCatalogues({
      en: {
        a: 'Hello {name}',
        b: '{count, plural, one {# lesson} other {# lessons}}',
        c: 'Plain',
        d: '<b>Bold</b>',
      },
      fr: {
        a: 'Bonjour {nom}',
        b: '{count, plural, one {# leçon} other {# leçons}',
        extra: 'x',
        d: '<i>Gras</i>',
      },
    });
    expect(problems).toEqual([
      'fr: missing "c"',
      'fr: "a" uses {nom} where en uses {name}',
      expect.stringMatching(/^fr: "b" is not valid ICU/),
      'fr: "extra" is not in en',
      'fr: "d" uses {<i>} where en uses {<b>}',
    ]);
  });

  it('accepts catalogues that agree, whatever their plural categories', () => {
    expect(
      checkCatalogues({
        en: { n: '{count, plural, one {# course} other {# courses}} by {who}' },
        es: { n: '{who}: {count, plural, one {# curso} many {# cursos} other {# cursos}}' },
      }),
    ).toEqual([]);
  });

  it('the shared components’ catalogues are complete', () => {
    expect(checkCatalogues(uiMessages)).toEqual([]);
  });
});
