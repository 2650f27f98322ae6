import { createContext, useContext, useState, type ReactNode } from 'react';
import {
  LanguageSelect,
  LocaleProvider,
  matchLocale,
  SYSTEM,
  systemLocales,
  systemTimeZone,
} from '@lyceum/ui/i18n';
import { catalogues, useT } from './catalogues.ts';

// The console follows the browser's language unless the admin picks one (remembered in this browser).
const STORE_KEY = 'lyceum.console.locale';

function remembered(): string {
  try {
    return localStorage.getItem(STORE_KEY) ?? SYSTEM;
  } catch {
    return SYSTEM;
  }
}

const Ctx = createContext<{ choice: string; choose: (c: string) => void }>({
  choice: SYSTEM,
  choose: () => {},
});

/** The console's language (chosen or the browser's) and the browser's time zone. */
export function ConsoleI18n({ children }: { children: ReactNode }) {
  const [choice, setChoice] = useState(remembered);
  const choose = (c: string) => {
    setChoice(c);
    try {
      if (c === SYSTEM) localStorage.removeItem(STORE_KEY);
      else localStorage.setItem(STORE_KEY, c);
    } catch {
      // Not remembered: the browser's language comes back next time.
    }
  };
  return (
    <Ctx.Provider value={{ choice, choose }}>
      <LocaleProvider
        locale={matchLocale([choice, ...systemLocales()])}
        timeZone={systemTimeZone()}
        catalogues={catalogues}
      >
        {children}
      </LocaleProvider>
    </Ctx.Provider>
  );
}

/** The language picker: the browser's language or one of the translated ones; the console changes at once. */
export function LanguagePicker() {
  const t = useT();
  const { choice, choose } = useContext(Ctx);
  return (
    <label className="language">
      <span>{t('console.language')}</span>
      <LanguageSelect
        value={choice}
        onChange={choose}
        systemLabel={(name) => t('console.language.system', { name })}
      />
    </label>
  );
}
