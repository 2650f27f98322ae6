import { createUseT } from '@lyceum/ui/i18n';
import type { MessageKey } from './catalogues.ts';

/** `t('catalog.search.placeholder')`: a message of the student's language as a string. */
export const useT = createUseT<MessageKey>();
