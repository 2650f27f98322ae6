import { currentIntl } from './current.ts';

/**
 * An error's message in the interface's language. The core and the server explain in English, often precisely:
 * English keeps their message; another language gets the translation of the error's code (`error.<code>`), or the
 * English message when the code has none.
 */
export function localError(code: string, message: string): string {
  const intl = currentIntl();
  if (!intl || intl.locale === 'en') return message;
  const id = `error.${code}`;
  return id in intl.messages ? intl.formatMessage({ id }) : message;
}
