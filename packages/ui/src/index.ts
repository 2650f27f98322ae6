export { ChartFrame, type Datum } from './charts/Frame.tsx';
export { BarList } from './charts/BarList.tsx';
export { Columns } from './charts/Columns.tsx';
export { TimeSeries, type SeriesPoint } from './charts/TimeSeries.tsx';
export { StatTile } from './charts/StatTile.tsx';
export { formatValue, formatDuration, type ValueFormat } from './charts/format.ts';
export { niceMax, ticks, linear, linePath, areaPath } from './charts/scale.ts';
export { PRESETS, rangeQuery, describeRange, type Preset, type RangeChoice } from './dashboard/range.ts';
export {
  dailyEvents,
  funnelSteps,
  questionBars,
  ratingColumns,
  ratingMean,
  worstDropOffs,
} from './dashboard/figures.ts';
export { RangePicker, type RangePickerClasses } from './dashboard/RangePicker.tsx';
