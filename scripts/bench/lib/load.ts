import autocannon from 'autocannon';

export interface LoadResult {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  name: string;
  url: string;
  connections: number;
  durationSeconds: number;
  /** Build each request: method, path, headers, body. */
  next: () => { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string };
  /** Called with every response (status and body text). */
  onResponse?: (status: number, body: string) => void;
}

/** Closed-loop load with autocannon from this process (the server runs in another). */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationSeconds,
    requests: [
      {
        setupRequest: (req) => {
          const r = o.next();
          return {
            ...req,
            method: r.method,
            path: r.path,
            headers: { ...req.headers, ...r.headers },
            body: r.body,
          };
        },
        ...(o.onResponse
          ? { onResponse: (status: number, body: string) => o.onResponse!(status, body) }
          : {}),
      },
    ],
  });
  return {
    name: o.name,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export function printTable(
  rows: (LoadResult & { baseline?: LoadResult; target?: string; pass?: boolean })[],
): void {
  const head = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'vs hello', 'target', 'met'];
  const lines = rows.map((r) => [
    r.name,
    r.rps.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    String(r.non2xx),
    String(r.errors),
    r.baseline ? `${((r.rps / r.baseline.rps) * 100).toFixed(0)}%` : '—',
    r.target ?? '—',
    r.pass === undefined ? '—' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}
