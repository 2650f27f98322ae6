export {
  SUPPORTED_LOCALES,
  LOCALE_NAMES,
  SYSTEM,
  matchLocale,
  systemLocales,
  systemTimeZone,
  isTimeZone,
  resolveTimeZone,
  timeZones,
  type SupportedLocale,
} from './locales.ts';
export { LocaleProvider, type Catalogue, type Catalogues } from './LocaleProvider.tsx';
export { LanguageSelect } from './LanguageSelect.tsx';
export { englishIntl, uiText, useUiIntl, useUiText, type UiText } from './use-ui-intl.ts';
export { uiMessages } from './ui-messages.ts';
export { createUseT, type MessageValues, type Translate } from './use-t.ts';
