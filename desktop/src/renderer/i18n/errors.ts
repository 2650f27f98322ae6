import { currentIntl } from './current.ts';

/**
 * A message from the core or the server, in the interface's language. They explain in English, often precisely:
 * English keeps their text; another language gets the translation of its code (`<prefix>.<code>`), else the
 * translation of `fallbackKey` when given, else the English text.
 */
function local(prefix: string, code: string, english: string, fallbackKey?: string): string {
  const intl = currentIntl();
  if (!intl || intl.locale === 'en') return english;
  const id = `${prefix}.${code}`;
  if (id in intl.messages) return intl.formatMessage({ id });
  return fallbackKey && fallbackKey in intl.messages ? intl.formatMessage({ id: fallbackKey }) : english;
}

/** An error's message (`error.<code>`). */
export const localError = (code: string, message: string): string => local('error', code, message);

/** What a student can do about a change the server refused (`sync.advice.<code>`). */
export const localAdvice = (code: string, advice: string): string =>
  local('sync.advice', code, advice, 'sync.advice.default');
