import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { estypes } from '@elastic/elasticsearch';
import { FACTS_MAPPINGS, SESSIONS_MAPPINGS, indexNames } from './es-schema.ts';

/**
 * The Kibana saved objects (deploy/kibana/lyceum.ndjson) against the Elasticsearch store's layout, and the request
 * `npm run kibana:setup` sends (to a local HTTP server standing in for Kibana, which records it).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const NDJSON = path.join(ROOT, 'deploy/kibana/lyceum.ndjson');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  references: { id: string; name: string; type: string }[];
}
const parse = (s: unknown) => JSON.parse(String(s)) as Record<string, unknown>;

/** Field name → mapping type, nested object fields flattened ("n.quiz_answers"). */
function fieldTypes(m: estypes.MappingTypeMapping): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (props: Record<string, estypes.MappingProperty>, prefix: string) => {
    for (const [name, p] of Object.entries(props)) {
      const sub = (p as { properties?: Record<string, estypes.MappingProperty> }).properties;
      if (sub) walk(sub, `${prefix}${name}.`);
      else out.set(`${prefix}${name}`, String(p.type));
    }
  };
  walk(m.properties ?? {}, '');
  return out;
}

function run(script: string, env: Record<string, string>, args: string[] = []) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KIBANA_')));
    execFile(
      TSX,
      [path.join(ROOT, script), ...args],
      { cwd: ROOT, env: { ...clean, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('Kibana saved objects', () => {
  it('are valid NDJSON whose references resolve, over the store’s indices and fields', async () => {
    const text = await fs.readFile(NDJSON, 'utf8');
    const lines = text.split('\n').filter((l) => l.trim());
    const objects = lines.map((l) => JSON.parse(l) as SavedObject);
    const byKey = new Map(objects.map((o) => [`${o.type}:${o.id}`, o]));
    expect(byKey.size).toBe(objects.length); // ids unique
    for (const o of objects) {
      expect(o.attributes.title, o.id).toEqual(expect.any(String));
      for (const r of o.references)
        expect(byKey.has(`${r.type}:${r.id}`), `${o.id} → ${r.type}:${r.id}`).toBe(true);
    }

    // The data views name the adapter's data stream (event time) and sessions index.
    const names = indexNames();
    const views = objects.filter((o) => o.type === 'index-pattern');
    const facts = views.find((v) => v.attributes.timeFieldName === '@timestamp')!;
    const sessions = views.find((v) => v.attributes.timeFieldName === 'started_at')!;
    expect(facts.attributes.title).toBe(`${names.facts}*`);
    expect(sessions.attributes.title).toBe(names.sessions);
    const fields = new Map([
      [facts.id, fieldTypes(FACTS_MAPPINGS)],
      [sessions.id, fieldTypes(SESSIONS_MAPPINGS)],
    ]);
    for (const v of views)
      for (const f of Object.keys(parse(v.attributes.fieldFormatMap)))
        expect(fields.get(v.id)!.has(f), f).toBe(true);

    // Every visualization reads one data view, and aggregates only fields it maps (keyword, numeric or date).
    const visualizations = objects.filter((o) => o.type === 'visualization');
    expect(visualizations.length).toBeGreaterThanOrEqual(5);
    for (const vis of visualizations) {
      const search = parse(
        (vis.attributes.kibanaSavedObjectMeta as Record<string, unknown>).searchSourceJSON,
      );
      const ref = vis.references.find((r) => r.name === search.indexRefName);
      expect(ref?.type, vis.id).toBe('index-pattern');
      const state = parse(vis.attributes.visState) as {
        title: string;
        type: string;
        aggs: { params: { field?: string } }[];
      };
      expect(state.title).toBe(vis.attributes.title);
      expect(['histogram', 'line', 'table']).toContain(state.type);
      for (const a of state.aggs) {
        if (a.params.field === undefined) continue;
        const type = fields.get(ref!.id)!.get(a.params.field);
        expect(type, `${vis.id}: ${a.params.field}`).toMatch(/^(keyword|long|double|byte|date)$/);
      }
    }

    // Five dashboards, whose panels are the visualizations they reference.
    const dashboards = objects.filter((o) => o.type === 'dashboard');
    expect(dashboards.map((d) => d.attributes.title)).toEqual([
      'Lyceum: completion',
      'Lyceum: engagement',
      'Lyceum: ratings',
      'Lyceum: video drop-off',
      'Lyceum: quiz difficulty',
    ]);
    for (const d of dashboards) {
      const panels = JSON.parse(String(d.attributes.panelsJSON)) as {
        panelRefName: string;
        panelIndex: string;
      }[];
      expect(panels.length).toBeGreaterThan(0);
      for (const p of panels)
        expect(d.references.find((r) => r.name === p.panelRefName)?.type).toBe('visualization');
      expect(new Set(panels.map((p) => p.panelIndex)).size).toBe(panels.length);
    }
  });

  it('are what scripts/kibana/saved-objects.ts generates (npm run kibana:build)', async () => {
    const r = await run('scripts/kibana/build.ts', {}, ['--check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('npm run kibana:setup', () => {
  async function fakeKibana(answer: (req: http.IncomingMessage) => [number, object]) {
    const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const [status, payload] = answer(req);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, seen, close: () => new Promise((r) => server.close(r)) };
  }

  it('posts the NDJSON to the import API with overwrite, kbn-xsrf and the API key, and lists what was imported', async () => {
    const kibana = await fakeKibana(() => [
      200,
      {
        success: true,
        successCount: 2,
        successResults: [
          { type: 'index-pattern', id: 'lyceum-analytics-facts', meta: { title: 'lyceum-analytics-facts*' } },
          { type: 'dashboard', id: 'lyceum-dashboard-completion', meta: { title: 'Lyceum: completion' } },
        ],
      },
    ]);
    try {
      const r = await run('scripts/kibana/setup.ts', {
        KIBANA_URL: `${kibana.url}/`,
        KIBANA_API_KEY: 'a2V5OnNlY3JldA==',
      });
      expect(r.code, r.stderr).toBe(0);
      expect(kibana.seen).toHaveLength(1);
      const req = kibana.seen[0]!;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/api/saved_objects/_import?overwrite=true');
      expect(req.headers['kbn-xsrf']).toBe('true');
      expect(req.headers.authorization).toBe('ApiKey a2V5OnNlY3JldA==');
      const boundary = /multipart\/form-data; boundary=(.+)$/.exec(String(req.headers['content-type']))?.[1];
      expect(boundary).toBeTruthy();
      expect(req.body).toContain('Content-Disposition: form-data; name="file"; filename="lyceum.ndjson"');
      expect(req.body).toContain(await fs.readFile(NDJSON, 'utf8'));
      expect(r.stdout).toContain('imported dashboard lyceum-dashboard-completion (Lyceum: completion)');
      expect(r.stdout).toContain('2 saved objects imported');
    } finally {
      await kibana.close();
    }
  });

  it('uses basic auth and a space when asked, and fails clearly on errors', async () => {
    let status = 401;
    const kibana = await fakeKibana(() =>
      status === 401
        ? [
            401,
            {
              statusCode: 401,
              error: 'Unauthorized',
              message: '[security_exception] unable to authenticate user',
            },
          ]
        : [
            200,
            {
              success: false,
              successCount: 0,
              errors: [
                { type: 'dashboard', id: 'x', meta: { title: 'X' }, error: { type: 'missing_references' } },
              ],
            },
          ],
    );
    try {
      const env = {
        KIBANA_URL: kibana.url,
        KIBANA_USERNAME: 'elastic',
        KIBANA_PASSWORD: 'pw',
        KIBANA_SPACE: 'analytics',
      };
      const denied = await run('scripts/kibana/setup.ts', env);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('Kibana answered 401');
      expect(denied.stderr).toContain('unable to authenticate user');
      expect(kibana.seen[0]!.url).toBe('/s/analytics/api/saved_objects/_import?overwrite=true');
      expect(kibana.seen[0]!.headers.authorization).toBe(
        `Basic ${Buffer.from('elastic:pw').toString('base64')}`,
      );

      status = 200;
      const partial = await run('scripts/kibana/setup.ts', env);
      expect(partial.code).toBe(1);
      expect(partial.stderr).toContain('FAILED dashboard x (X): missing_references');
    } finally {
      await kibana.close();
    }
    const unset = await run('scripts/kibana/setup.ts', {});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('KIBANA_URL is not set');
  });
});
