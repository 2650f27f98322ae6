import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import type { MessageKey } from './catalogues.ts';

export type MessageValues = Record<string, string | number | Date | null | undefined>;

/** `t('catalog.search.placeholder')`: a message of the current language as a string (plurals and all, through ICU). */
export function useT(): (key: MessageKey, values?: MessageValues) => string {
  const intl = useIntl();
  return useCallback((key, values) => intl.formatMessage({ id: key }, values), [intl]);
}
