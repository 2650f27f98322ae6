import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { BarList } from './BarList.tsx';
import { Columns } from './Columns.tsx';
import { formatDuration, formatValue } from './format.ts';
import { areaPath, linePath, niceMax, ticks } from './scale.ts';
import { StatTile } from './StatTile.tsx';
import { TimeSeries } from './TimeSeries.tsx';

const widths = (html: string) =>
  [...html.matchAll(/class="lx-bar" data-value="[^"]*" x="190" y="5" width="([\d.]+)"/g)].map((m) =>
    Number(m[1]),
  );

describe('charts', () => {
  it('draws bars in proportion, longest first, with the same figures in a data table', () => {
    const html = renderToStaticMarkup(
      <BarList
        title="Completion rate per course"
        format="percent"
        max={1}
        data={[
          { label: 'Algebra', value: 0.25 },
          { label: 'Rust <basics>', value: 0.5, detail: '10 of 20 learners' },
        ]}
      />,
    );
    expect(widths(html)).toEqual([180, 90]);
    expect(html.indexOf('Rust &lt;basics&gt;')).toBeLessThan(html.indexOf('Algebra'));
    expect(html.replace(/<!-- -->/g, '')).toContain('<td>50% (10 of 20 learners)</td>');
    expect(html).toContain('aria-hidden="true"');
  });

  it('says so when a range has no data, instead of drawing an empty axis', () => {
    const html = renderToStaticMarkup(<Columns title="Ratings" data={[]} />);
    expect(html).toContain('No data in this time range yet.');
    expect(html).not.toContain('<svg');
  });

  it('labels funnel steps with their share of the first step', () => {
    const html = renderToStaticMarkup(
      <Columns
        title="Funnel"
        funnel
        data={[
          { label: 'Enrolled', value: 40 },
          { label: 'Started', value: 30 },
          { label: 'Completed', value: 10 },
        ]}
      />,
    );
    expect(html).toContain('>75%</text>');
    expect(html).toContain('>25%</text>');
  });

  it('plots a time series in time order whatever the input order', () => {
    const html = renderToStaticMarkup(
      <TimeSeries
        title="Events per second"
        points={[
          { t: '2026-11-24T10:00:02Z', value: 10 },
          { t: '2026-11-24T10:00:00Z', value: 0 },
          { t: '2026-11-24T10:00:01Z', value: 5 },
        ]}
      />,
    );
    const d = /class="lx-line" d="([^"]+)"/.exec(html)![1]!;
    const ys = d
      .split(/[ML]/)
      .filter(Boolean)
      .map((p) => Number(p.trim().split(' ')[1]));
    expect(ys[0]).toBeGreaterThan(ys[1]!);
    expect(ys[1]).toBeGreaterThan(ys[2]!);
  });

  it('formats figures and scales', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(2.1)).toBe(2.5);
    expect(niceMax(120)).toBe(200);
    expect(formatValue(0.4567, 'percent')).toBe('45.7%');
    expect(formatValue(123_456)).toBe('123.5K');
    expect(formatDuration(3725)).toBe('1 h 2 min');
    expect(formatDuration(95)).toBe('1 min 35 s');
    expect(
      linePath([
        { x: 0, y: 1 },
        { x: 2.345, y: 3 },
      ]),
    ).toBe('M0 1 L2.3 3');
    expect(areaPath([], 10)).toBe('');
    expect(ticks(1, 4, true)).toEqual([0, 1]);
    expect(ticks(5, 4, true)).toEqual([0, 2, 4]);
    expect(ticks(1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(renderToStaticMarkup(<StatTile label="Active now" value={null} />)).toContain('—');
  });
});
