import { useEffect, useMemo, type ReactNode } from 'react';
import { IntlProvider, ReactIntlErrorCode, type ResolvedIntlConfig } from 'react-intl';
import type { SupportedLocale } from './locales.ts';
import { uiMessages } from './ui-messages.ts';

export type Catalogue = Record<string, string>;
export type Catalogues = Record<SupportedLocale, Catalogue>;

const onError: ResolvedIntlConfig['onError'] = (err) => {
  // Catalogues are checked in CI and English fills any gap, so a missing translation is not worth a console error.
  if (err.code === ReactIntlErrorCode.MISSING_TRANSLATION) return;
  console.error(err);
};

/**
 * react-intl for one app: its catalogues merged over the shared UI strings, English underneath every language,
 * dates and times in `timeZone`; `<html lang>` follows the locale.
 */
export function LocaleProvider(p: {
  locale: SupportedLocale;
  timeZone: string;
  catalogues: Catalogues;
  children: ReactNode;
}) {
  const { locale, timeZone, catalogues } = p;
  const messages = useMemo(
    () => ({ ...uiMessages.en, ...catalogues.en, ...uiMessages[locale], ...catalogues[locale] }),
    [locale, catalogues],
  );
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return (
    <IntlProvider
      locale={locale}
      defaultLocale="en"
      timeZone={timeZone}
      messages={messages}
      onError={onError}
    >
      {p.children}
    </IntlProvider>
  );
}
