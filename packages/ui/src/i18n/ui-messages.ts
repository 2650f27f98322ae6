import en from './messages/en.json';
import es from './messages/es.json';
import fr from './messages/fr.json';
import type { SupportedLocale } from './locales.ts';

/** The shared components' own strings (charts, range picker), keyed `ui.*`. */
export const uiMessages: Record<SupportedLocale, Record<string, string>> = { en, fr, es };
