import { describe, expect, it } from 'vitest';
import { checkCatalogues } from '@lyceum/ui/i18n/check';
import { catalogues } from './catalogues.ts';

describe('desktop catalogues', () => {
  it('every language has every English key, no other key, valid ICU and the same placeholders', () => {
    expect(checkCatalogues(catalogues)).toEqual([]);
  });

  it('no translation is left in English by mistake (same text as English only where it reads the same)', () => {
    // Words that are the same in the language (brand names, "Quiz"…) are listed here on purpose.
    const same = new Set(Object.entries(sameOnPurpose).flatMap(([k, ls]) => ls.map((l) => `${l}:${k}`)));
    const copies = (['fr', 'es'] as const).flatMap((l) =>
      Object.entries(catalogues[l])
        .filter(([k, v]) => v === catalogues.en[k] && /[a-z]{3}/i.test(words(v)) && !same.has(`${l}:${k}`))
        .map(([k]) => `${l}:${k}`),
    );
    expect(copies).toEqual([]);
  });
});

/** A message's words, without its simple placeholders ("{count}"). */
const words = (message: string) => message.replace(/\{\w+\}/g, '');

const sameOnPurpose: Record<string, ('fr' | 'es')[]> = {
  'format.duration.minutes': ['fr', 'es'],
  'format.duration.hoursMinutes': ['fr', 'es'],
  'label.kind.quiz': ['fr'],
  'study.module': ['fr'],
  'quiz.question': ['fr'],
  'quiz.questionFallback': ['fr'],
  'quiz.points': ['fr'],
  'stars.word.5': ['fr'],
  'teach.formats.slides': ['fr', 'es'],
  'insights.questionFallback': ['fr'],
  'insights.engagement': ['fr'],
  'format.bytes': ['es'],
  'prefs.notifications': ['fr'],
  'download.kind.document': ['fr'],
};
