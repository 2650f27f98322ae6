import type { InsightQuery } from '@lyceum/contracts';
import { englishIntl, uiText, type UiText } from '../i18n/use-ui-intl.ts';

/** Time ranges of the insight screens (admin console and desktop Insights). */
export type Preset = NonNullable<InsightQuery['last']>;
/** Each preset with its message (`ui.range.last.*`). */
export const PRESETS: { value: Preset; message: string }[] = (
  ['1h', '24h', '7d', '30d', '365d'] as const
).map((value) => ({ value, message: `ui.range.last.${value}` }));

export type RangeChoice = { kind: 'preset'; last: Preset } | { kind: 'custom'; from: string; to: string };

/** A range choice as insight query fields (custom dates are whole local days, `to` included). */
export function rangeQuery(r: RangeChoice): Pick<InsightQuery, 'last' | 'from' | 'to'> {
  if (r.kind === 'preset') return { last: r.last };
  const from = new Date(`${r.from}T00:00:00`);
  const to = new Date(`${r.to}T00:00:00`);
  to.setDate(to.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** The words for a range ("last 7 days", "2026-03-02 to 2026-03-09") in the app's language (`t`). */
export function describeRange(r: RangeChoice, t: UiText = (id, v) => uiText(englishIntl())(id, v)): string {
  if (r.kind === 'preset') return t(`ui.range.last.${r.last}`).toLocaleLowerCase();
  return t('ui.range.between', { from: r.from, to: r.to });
}
