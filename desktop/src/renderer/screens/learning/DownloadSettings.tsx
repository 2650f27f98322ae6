import { useState } from 'react';
import { Banner } from '../../components/Banner.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useLoad } from '../../lib/use-load.ts';

/**
 * "Download updates only on Wi-Fi": a setting of this device (not synced), saved as soon as it changes. The core
 * holds background downloads of new course content while the connection is reported metered; when the platform does
 * not tell (most computers), they go ahead.
 */
export function DownloadSettings() {
  const t = useT();
  const { state, set } = useLoad(() => learningApi.downloadSettings(), []);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  if (state.status !== 'ready') return null;
  const s = state.data;
  const change = async (wifiOnly: boolean) => {
    setMessage(null);
    try {
      set(await learningApi.putDownloadSettings({ wifiOnly }));
      setMessage({ tone: 'success', text: t('downloads.settings.saved') });
    } catch (err) {
      setMessage({ tone: 'error', text: failureMessage(err, t('download.error')) });
    }
  };
  return (
    <section className="prefs__downloads" aria-labelledby="prefs-downloads-h">
      <h2 id="prefs-downloads-h">{t('downloads.settings.title')}</h2>
      <label className="choice">
        <input
          type="checkbox"
          checked={s.wifiOnly}
          onChange={(e) => void change(e.target.checked)}
          aria-describedby="prefs-downloads-hint"
          data-testid="wifi-only"
        />
        {t('downloads.settings.label')}
      </label>
      <p className="muted" id="prefs-downloads-hint">
        {t('downloads.settings.hint')}
      </p>
      {s.held ? <p>{t('downloads.settings.held')}</p> : null}
      {message ? <Banner tone={message.tone}>{message.text}</Banner> : null}
    </section>
  );
}
