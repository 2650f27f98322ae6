import { createIntl } from 'react-intl';
import { describe, expect, it } from 'vitest';
import { catalogues } from './catalogues.ts';
import { rememberIntl } from './current.ts';
import { localAdvice, localError } from './errors.ts';

describe('error messages in the interface’s language', () => {
  it('keeps the precise English message in English, translates known codes otherwise', () => {
    const core = 'Enrolling needs a connection. You are offline right now.';
    expect(localError('offline', core)).toBe(core); // before any render
    rememberIntl(createIntl({ locale: 'en', messages: catalogues.en }));
    expect(localError('offline', core)).toBe(core);
    rememberIntl(createIntl({ locale: 'fr', messages: catalogues.fr }));
    expect(localError('offline', core)).toBe(catalogues.fr['error.offline']);
    expect(localError('invalid_credentials', 'x')).toBe(
      'Cet e-mail et ce mot de passe ne correspondent à aucun compte.',
    );
    expect(localError('some_new_code', core)).toBe(core);
    expect(localAdvice('not_enrolled', 'x')).toBe(catalogues.fr['sync.advice.not_enrolled']);
    expect(localAdvice('something_else', 'x')).toBe(catalogues.fr['sync.advice.default']);
    rememberIntl(createIntl({ locale: 'es', messages: catalogues.es }));
    expect(localError('not_enrolled', 'x')).toBe('Inscríbete en este curso para estudiarlo.');
  });
});
