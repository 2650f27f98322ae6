import type { Catalogues } from '@lyceum/ui/i18n';
import en from './en.json';
import es from './es.json';
import fr from './fr.json';

/** The renderer's messages by language (ICU MessageFormat); English is complete, the others are checked in CI. */
export const catalogues: Catalogues = { en, fr, es };
export type MessageKey = keyof typeof en;
