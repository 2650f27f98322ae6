import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import {
  LocaleProvider,
  matchLocale,
  resolveTimeZone,
  SYSTEM,
  systemLocales,
  type SupportedLocale,
} from '@lyceum/ui/i18n';
import { useIntl } from 'react-intl';
import { rememberIntl } from './current.ts';
import { learningApi } from '../lib/learning-api.ts';
import { useSync } from '../lib/sync.tsx';
import { catalogues } from './catalogues.ts';

/** The two preferences the interface follows (values as stored: a tag or zone, or "system"). */
export interface LocaleChoice {
  locale: string;
  timezone: string;
}

interface LocaleSettings {
  choice: LocaleChoice;
  /** The language shown (the preference when translated, else the system's, else English). */
  locale: SupportedLocale;
  /** The zone dates and times are shown in. */
  timeZone: string;
  /** Follow new preferences at once (after saving them). */
  apply: (choice: LocaleChoice) => void;
  /** Read the signed-in student's preferences again. */
  reload: () => void;
  /** This device's language when the preference says "system": picked on the sign-in screen, else the system's. */
  device: string;
  deviceLocale: SupportedLocale;
  chooseDeviceLanguage: (tag: string) => void;
}

// Remembered on this device so the first paint (and the sign-in screen) is already in the student's language.
const STORE_KEY = 'lyceum.locale';
// The language picked on the sign-in screen (before any account's preferences are known).
const DEVICE_KEY = 'lyceum.deviceLocale';
const SYSTEM_CHOICE: LocaleChoice = { locale: SYSTEM, timezone: SYSTEM };

function remembered(): LocaleChoice {
  try {
    const raw = localStorage.getItem(STORE_KEY);
    const v: unknown = raw ? JSON.parse(raw) : null;
    if (v && typeof v === 'object' && 'locale' in v && 'timezone' in v) {
      const { locale, timezone } = v;
      if (typeof locale === 'string' && typeof timezone === 'string') return { locale, timezone };
    }
  } catch {
    // Storage unavailable or garbled: follow the system.
  }
  return SYSTEM_CHOICE;
}

function rememberedDevice(): string {
  try {
    return localStorage.getItem(DEVICE_KEY) ?? SYSTEM;
  } catch {
    return SYSTEM;
  }
}

const Ctx = createContext<LocaleSettings | null>(null);

/** The interface's language and time zone, from the student's preferences (the system's by default). */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [choice, setChoice] = useState<LocaleChoice>(remembered);
  const [device, setDevice] = useState(rememberedDevice);
  const chooseDeviceLanguage = useCallback((tag: string) => {
    setDevice(tag);
    try {
      if (tag === SYSTEM) localStorage.removeItem(DEVICE_KEY);
      else localStorage.setItem(DEVICE_KEY, tag);
    } catch {
      // Not remembered: the system's language comes back at the next start.
    }
  }, []);
  const { version } = useSync();
  const apply = useCallback((next: LocaleChoice) => {
    const c = { locale: next.locale, timezone: next.timezone };
    setChoice((prev) => (prev.locale === c.locale && prev.timezone === c.timezone ? prev : c));
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(c));
    } catch {
      // Not remembered: the preferences are read again at the next start.
    }
  }, []);
  // Signed out, the core refuses: keep the last choice.
  const reload = useCallback(() => void learningApi.preferences().then(apply, () => undefined), [apply]);
  useEffect(reload, [reload, version]);

  const deviceLocale = matchLocale([device, ...systemLocales()]);
  const locale = matchLocale([choice.locale, deviceLocale]);
  const timeZone = resolveTimeZone(choice.timezone);
  return (
    <Ctx.Provider
      value={{ choice, locale, timeZone, apply, reload, device, deviceLocale, chooseDeviceLanguage }}
    >
      <LocaleProvider locale={locale} timeZone={timeZone} catalogues={catalogues}>
        <RememberIntl />
        {children}
      </LocaleProvider>
    </Ctx.Provider>
  );
}

function RememberIntl() {
  rememberIntl(useIntl());
  return null;
}

export function useLocaleSettings(): LocaleSettings {
  const s = useContext(Ctx);
  if (!s) throw new Error('useLocaleSettings needs the I18nProvider');
  return s;
}
