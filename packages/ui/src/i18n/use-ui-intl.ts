import { useContext } from 'react';
import { createIntl, createIntlCache, IntlContext, type IntlShape } from 'react-intl';
import { uiMessages } from './ui-messages.ts';

let fallback: IntlShape | null = null;

/** English, for shared code used outside any provider (tests, static HTML, plain functions by default). */
export function englishIntl(): IntlShape {
  fallback ??= createIntl({ locale: 'en', timeZone: 'UTC', messages: uiMessages.en }, createIntlCache());
  return fallback;
}

/** The app's react-intl, or English when a shared component is drawn outside any provider. */
export function useUiIntl(): IntlShape {
  return useContext(IntlContext) ?? englishIntl();
}

/** A shared string (`ui.*`) in the current language. */
export type UiText = (id: string, values?: Record<string, string | number>) => string;
export const uiText =
  (intl: IntlShape): UiText =>
  (id, values) =>
    intl.formatMessage({ id }, values);
/** The shared strings in the current language (English outside a provider). */
export const useUiText = (): UiText => uiText(useUiIntl());
