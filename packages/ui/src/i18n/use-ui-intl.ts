import { useContext } from 'react';
import { createIntl, createIntlCache, IntlContext, type IntlShape } from 'react-intl';
import { uiMessages } from './ui-messages.ts';

let fallback: IntlShape | null = null;

/** The app's react-intl, or English when a shared component is drawn outside any provider (tests, static HTML). */
export function useUiIntl(): IntlShape {
  const intl = useContext(IntlContext);
  if (intl) return intl;
  fallback ??= createIntl({ locale: 'en', messages: uiMessages.en }, createIntlCache());
  return fallback;
}
