/** Builders of Kibana 8 saved objects (data views, aggregation-based visualizations, dashboards). */

export interface SavedObject {
  id: string;
  type: 'index-pattern' | 'visualization' | 'dashboard';
  attributes: Record<string, unknown>;
  references: { id: string; name: string; type: string }[];
  coreMigrationVersion: string;
  typeMigrationVersion: string;
  managed: boolean;
}

const CORE = '8.8.0';
const json = (x: unknown) => JSON.stringify(x);

export function dataView(
  id: string,
  title: string,
  name: string,
  timeFieldName: string,
  formats: object,
): SavedObject {
  return {
    id,
    type: 'index-pattern',
    attributes: {
      title,
      name,
      timeFieldName,
      allowHidden: false,
      fieldAttrs: '{}',
      fieldFormatMap: json(formats),
      fields: '[]',
      runtimeFieldMap: '{}',
      sourceFilters: '[]',
    },
    references: [],
    coreMigrationVersion: CORE,
    typeMigrationVersion: '8.0.0',
    managed: false,
  };
}

// --- aggregation-based visualizations ---

type Agg = {
  type: string;
  schema: 'metric' | 'segment' | 'group' | 'bucket' | 'split';
  params: Record<string, unknown>;
};
export const metric = (type: string, field: string | null, label: string): Agg => ({
  type,
  schema: 'metric',
  params: { ...(field ? { field } : {}), customLabel: label },
});
export const count = (label: string) => metric('count', null, label);
export const perDay = (): Agg => ({
  type: 'date_histogram',
  schema: 'segment',
  params: {
    field: '@timestamp',
    useNormalizedEsInterval: true,
    scaleMetricValues: false,
    interval: 'auto',
    drop_partials: false,
    min_doc_count: 1,
    extended_bounds: {},
  },
});
export const termsOf = (
  field: string,
  label: string,
  size: number,
  schema: Agg['schema'],
  orderBy = '1',
  order = 'desc',
): Agg => ({
  type: 'terms',
  schema,
  params: {
    field,
    orderBy,
    order,
    size,
    otherBucket: false,
    otherBucketLabel: 'Other',
    missingBucket: false,
    missingBucketLabel: 'Missing',
    customLabel: label,
  },
});
export const histogramOf = (
  field: string,
  interval: number,
  min: number,
  max: number,
  label: string,
): Agg => ({
  type: 'histogram',
  schema: 'segment',
  params: {
    field,
    interval,
    min_doc_count: false,
    has_extended_bounds: true,
    extended_bounds: { min, max },
    customLabel: label,
  },
});

function xyParams(kind: 'histogram' | 'line', yTitle: string, series: { id: string; label: string }[]) {
  return {
    type: kind,
    grid: { categoryLines: false },
    categoryAxes: [
      {
        id: 'CategoryAxis-1',
        type: 'category',
        position: 'bottom',
        show: true,
        scale: { type: 'linear' },
        labels: { show: true, filter: true, truncate: 100 },
        title: {},
      },
    ],
    valueAxes: [
      {
        id: 'ValueAxis-1',
        name: 'LeftAxis-1',
        type: 'value',
        position: 'left',
        show: true,
        scale: { type: 'linear', mode: 'normal' },
        labels: { show: true, rotate: 0, filter: false, truncate: 100 },
        title: { text: yTitle },
      },
    ],
    seriesParams: series.map((s) => ({
      show: true,
      type: kind,
      mode: 'normal',
      data: { label: s.label, id: s.id },
      valueAxis: 'ValueAxis-1',
      drawLinesBetweenPoints: true,
      lineWidth: 2,
      showCircles: true,
      interpolate: 'linear',
    })),
    addTooltip: true,
    detailedTooltip: true,
    legendPosition: 'right',
    times: [],
    addTimeMarker: false,
    labels: { show: false },
    thresholdLine: { show: false, value: 10, width: 1, style: 'full', color: '#E7664C' },
    palette: { type: 'palette', name: 'default' },
    isVislibVis: true,
    fittingFunction: 'linear',
    radiusRatio: 9,
  };
}

const TABLE_PARAMS = {
  perPage: 20,
  showPartialRows: false,
  showMetricsAtAllLevels: false,
  showTotal: false,
  totalFunc: 'sum',
  percentageCol: '',
  autoFitRowToContent: false,
  row: true,
};

export function visualization(
  id: string,
  title: string,
  description: string,
  view: string,
  kind: 'histogram' | 'line' | 'table',
  aggs: Agg[],
  opts: { query?: string; yTitle?: string } = {},
): SavedObject {
  const withIds = aggs.map((a, i) => ({ id: String(i + 1), enabled: true, ...a }));
  const series = withIds
    .filter((a) => a.schema === 'metric')
    .map((a) => ({ id: a.id, label: String(a.params.customLabel) }));
  const params = kind === 'table' ? TABLE_PARAMS : xyParams(kind, opts.yTitle ?? '', series);
  return {
    id,
    type: 'visualization',
    attributes: {
      title,
      description,
      uiStateJSON: '{}',
      version: 1,
      visState: json({ title, type: kind, aggs: withIds, params }),
      kibanaSavedObjectMeta: {
        searchSourceJSON: json({
          query: { query: opts.query ?? '', language: 'kuery' },
          filter: [],
          indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index',
        }),
      },
    },
    references: [{ id: view, name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern' }],
    coreMigrationVersion: CORE,
    typeMigrationVersion: '8.5.0',
    managed: false,
  };
}

export function dashboard(
  id: string,
  title: string,
  description: string,
  panels: SavedObject[],
): SavedObject {
  const layout = panels.map((p, i) => ({
    type: 'visualization',
    gridData: {
      x: (i % 2) * 24,
      y: Math.floor(i / 2) * 15,
      w: panels.length === 1 ? 48 : 24,
      h: 15,
      i: String(i + 1),
    },
    panelIndex: String(i + 1),
    embeddableConfig: { enhancements: {} },
    panelRefName: `panel_${i + 1}`,
  }));
  return {
    id,
    type: 'dashboard',
    attributes: {
      title,
      description,
      timeRestore: true,
      timeFrom: 'now-30d',
      timeTo: 'now',
      refreshInterval: { pause: false, value: 30_000 },
      optionsJSON: json({
        useMargins: true,
        syncColors: false,
        syncCursor: true,
        syncTooltips: false,
        hidePanelTitles: false,
      }),
      panelsJSON: json(layout),
      kibanaSavedObjectMeta: {
        searchSourceJSON: json({ query: { query: '', language: 'kuery' }, filter: [] }),
      },
    },
    references: panels.map((p, i) => ({ id: p.id, name: `panel_${i + 1}`, type: 'visualization' })),
    coreMigrationVersion: CORE,
    typeMigrationVersion: '8.7.0',
    managed: false,
  };
}
