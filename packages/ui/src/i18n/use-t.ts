import { useCallback } from 'react';
import { useIntl } from 'react-intl';

export type MessageValues = Record<string, string | number | Date | null | undefined>;
export type Translate<K extends string> = (key: K, values?: MessageValues) => string;

/**
 * An app's `useT()`, typed by its catalogue's keys: `t('catalog.search.placeholder')` is a message of the current
 * language as a string (plurals and all, through ICU).
 */
export function createUseT<K extends string>(): () => Translate<K> {
  return function useT() {
    const intl = useIntl();
    return useCallback<Translate<K>>((key, values) => intl.formatMessage({ id: key }, values), [intl]);
  };
}
