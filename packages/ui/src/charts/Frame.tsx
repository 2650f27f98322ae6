import type { ReactNode } from 'react';
import { useUiIntl } from '../i18n/use-ui-intl.ts';
import { formatValue, type ValueFormat } from './format.ts';

export interface Datum {
  label: string;
  value: number;
  /** Extra text in the tooltip and the data table (e.g. "12 of 40 learners"). */
  detail?: string;
}

/**
 * A chart as a figure: a title, the picture (hidden from screen readers) and the same data as a table that
 * screen readers read (and anyone can open with "Show data").
 */
export function ChartFrame(p: {
  title: string;
  subtitle?: string;
  data: readonly Datum[];
  format?: ValueFormat;
  valueHeader?: string;
  empty?: string;
  children: ReactNode;
}) {
  const intl = useUiIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const empty = p.data.length === 0;
  return (
    <figure className="lx-chart">
      <figcaption>
        <span className="lx-chart-title">{p.title}</span>
        {p.subtitle ? <span className="lx-chart-subtitle">{p.subtitle}</span> : null}
      </figcaption>
      {empty ? (
        <p className="lx-chart-empty">{p.empty ?? t('ui.chart.empty')}</p>
      ) : (
        <>
          <div aria-hidden="true">{p.children}</div>
          <details className="lx-chart-data">
            <summary>{t('ui.chart.showData')}</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('ui.chart.item')}</th>
                  <th scope="col">{p.valueHeader ?? t('ui.chart.value')}</th>
                </tr>
              </thead>
              <tbody>
                {p.data.map((d, i) => (
                  <tr key={`${d.label}-${i}`}>
                    <th scope="row">{d.label}</th>
                    <td>
                      {formatValue(d.value, p.format, intl.locale)}
                      {d.detail ? ` (${d.detail})` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  );
}
