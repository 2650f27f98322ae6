import type { ReactNode } from 'react';
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
  const empty = p.data.length === 0;
  return (
    <figure className="lx-chart">
      <figcaption>
        <span className="lx-chart-title">{p.title}</span>
        {p.subtitle ? <span className="lx-chart-subtitle">{p.subtitle}</span> : null}
      </figcaption>
      {empty ? (
        <p className="lx-chart-empty">{p.empty ?? 'No data in this time range yet.'}</p>
      ) : (
        <>
          <div aria-hidden="true">{p.children}</div>
          <details className="lx-chart-data">
            <summary>Show data</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">{p.valueHeader ?? 'Value'}</th>
                </tr>
              </thead>
              <tbody>
                {p.data.map((d, i) => (
                  <tr key={`${d.label}-${i}`}>
                    <th scope="row">{d.label}</th>
                    <td>
                      {formatValue(d.value, p.format)}
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
