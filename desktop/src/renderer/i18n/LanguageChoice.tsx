import { LanguageSelect } from '@lyceum/ui/i18n';
import { useLocaleSettings } from './I18n.tsx';
import { useT } from './use-t.ts';

/**
 * The language of this device, for the screens before signing in (a signed-in student's preference wins unless it
 * says "same as this device"); the interface changes at once.
 */
export function LanguageChoice() {
  const t = useT();
  const { device, chooseDeviceLanguage } = useLocaleSettings();
  return (
    <label className="field language-choice">
      <span className="field__label">{t('signIn.language')}</span>
      <LanguageSelect
        className="field__input"
        value={device}
        onChange={chooseDeviceLanguage}
        systemLabel={(name) => t('signIn.language.system', { name })}
      />
    </label>
  );
}
