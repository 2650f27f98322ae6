/** Languages the apps are translated into, each named in its own language (for a language picker). */
export const SUPPORTED_LOCALES = ['en', 'fr', 'es'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];
export const LOCALE_NAMES: Record<SupportedLocale, string> = { en: 'English', fr: 'Français', es: 'Español' };

/** The preference value meaning "follow this device" (for the language and for the time zone). */
export const SYSTEM = 'system';

const isSupported = (tag: string): tag is SupportedLocale =>
  (SUPPORTED_LOCALES as readonly string[]).includes(tag);

/**
 * The best translated language for a list of wanted tags (a preference first, then the system's): exact tag,
 * then its language ("fr-CA" → "fr"); English when none is translated.
 */
export function matchLocale(wanted: readonly (string | null | undefined)[]): SupportedLocale {
  for (const tag of wanted) {
    if (!tag || tag === SYSTEM) continue;
    if (isSupported(tag)) return tag;
    const lang = tag.split('-')[0]?.toLowerCase() ?? '';
    if (isSupported(lang)) return lang;
  }
  return 'en';
}

/** The languages the system (browser or OS) asks for, most wanted first. */
export function systemLocales(): readonly string[] {
  if (typeof navigator !== 'undefined' && navigator.languages?.length) return navigator.languages;
  return [Intl.DateTimeFormat().resolvedOptions().locale];
}

/** The system's time zone ("Europe/Paris"), UTC when it cannot be told. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True when Intl knows the zone (so formatting with it cannot throw). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A time-zone preference as a zone to format with: "system" or an unknown zone → the system's. */
export function resolveTimeZone(pref: string | null | undefined): string {
  return pref && pref !== SYSTEM && isTimeZone(pref) ? pref : systemTimeZone();
}

/**
 * Every time zone to offer: the IANA zones Intl knows plus UTC (Chromium's list leaves UTC out), sorted, with
 * `keep` (the current choice) added when the list lacks it.
 */
export function timeZones(keep?: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = new Set<string>(['UTC', ...known]);
  if (keep && keep !== SYSTEM) all.add(keep);
  return [...all].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}
