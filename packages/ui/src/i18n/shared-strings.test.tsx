import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { BarList } from '../charts/BarList.tsx';
import { ChartFrame } from '../charts/Frame.tsx';
import { formatValue } from '../charts/format.ts';
import { describeRange } from '../dashboard/range.ts';
import { LocaleProvider } from './LocaleProvider.tsx';
import { createIntl } from 'react-intl';
import { uiMessages } from './ui-messages.ts';
import { uiText } from './use-ui-intl.ts';

const none = { en: {}, fr: {}, es: {} };

describe('shared components in the app’s language', () => {
  it('draw their own words in the provider’s language, English without one', () => {
    const frame = (
      <ChartFrame title="Completion" data={[]}>
        <svg />
      </ChartFrame>
    );
    expect(renderToStaticMarkup(frame)).toContain('No data in this time range yet.');
    const fr = renderToStaticMarkup(
      <LocaleProvider locale="fr" timeZone="UTC" catalogues={none}>
        {frame}
      </LocaleProvider>,
    );
    expect(fr).toContain('Aucune donnée sur cette période pour l’instant.');
    const es = renderToStaticMarkup(
      <LocaleProvider locale="es" timeZone="UTC" catalogues={none}>
        <BarList title="Finalización" data={[{ label: 'Álgebra', value: 0.25 }]} format="percent" max={1} />
      </LocaleProvider>,
    );
    expect(es).toContain('Mostrar datos');
    expect(es).toMatch(/25\s%/);
  });

  it('write numbers and ranges as the language does', () => {
    expect(formatValue(0.5, 'percent', 'en')).toBe('50%');
    expect(formatValue(0.5, 'percent', 'fr')).toMatch(/^50\s%$/);
    expect(formatValue(12_345, 'count', 'en')).toBe('12.3K');
    expect(formatValue(1234, 'count', 'es')).toBe('1234');
    expect(formatValue(1234, 'count', 'fr')).toMatch(/^1\s234$/);
    expect(describeRange({ kind: 'preset', last: '7d' })).toBe('last 7 days');
    expect(describeRange({ kind: 'custom', from: '2026-03-02', to: '2026-03-09' })).toBe(
      '2026-03-02 to 2026-03-09',
    );
    const fr = uiText(createIntl({ locale: 'fr', messages: uiMessages.fr }));
    expect(describeRange({ kind: 'preset', last: '30d' }, fr)).toBe('30 derniers jours');
    expect(describeRange({ kind: 'custom', from: '2026-03-02', to: '2026-03-09' }, fr)).toBe(
      'du 2026-03-02 au 2026-03-09',
    );
  });
});
