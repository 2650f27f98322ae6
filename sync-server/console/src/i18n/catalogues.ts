import type { Catalogues } from '@lyceum/ui/i18n';
import { createUseT } from '@lyceum/ui/i18n';
import en from './en.json';
import es from './es.json';
import fr from './fr.json';

/** The console's messages by language (ICU MessageFormat); checked against English in CI. */
export const catalogues: Catalogues = { en, fr, es };
export type MessageKey = keyof typeof en;
export const useT = createUseT<MessageKey>();
