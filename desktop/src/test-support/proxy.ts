import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward } from '@lyceum/testing';

/** What the proxy does to the next request(s) whose path starts with `path`. */
export interface ProxyRule {
  path: string;
  /**
   * drop-response: forward the request, let the server answer, then cut the client's connection (the server applied it,
   * the client never heard back); cut-body: send the headers and half the body, then cut; refuse: cut before forwarding;
   * answer: answer `answer` without forwarding (what a server in another state or version would say).
   */
  action: 'drop-response' | 'cut-body' | 'refuse' | 'answer';
  times: number;
  /** Matching requests to let through untouched first. */
  skip?: number;
  /** Only requests whose body passes this test match. */
  when?: (body: string) => boolean;
  /** For `answer`: the status and JSON body. */
  answer?: { status: number; body: unknown };
}

export interface SeenRequest {
  method: string;
  path: string;
  body: string;
  /** The Range header, when the request had one. */
  range?: string;
  outcome: 'forwarded' | 'drop-response' | 'cut-body' | 'refuse' | 'answer' | 'down';
}

/** A loopback HTTP proxy in front of the sync server that can be taken down or told to cut particular requests. */
export async function startProxy(target: string) {
  const upstream = new URL(target);
  const rules: ProxyRule[] = [];
  const seen: SeenRequest[] = [];
  let down = false;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry: SeenRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        body: body.toString('utf8'),
        range: req.headers.range,
        outcome: 'forwarded',
      };
      seen.push(entry);
      if (down) {
        entry.outcome = 'down';
        req.socket.destroy();
        return;
      }
      let rule = rules.find(
        (r) => r.times > 0 && entry.path.startsWith(r.path) && (!r.when || r.when(entry.body)),
      );
      if (rule?.skip) {
        rule.skip -= 1;
        rule = undefined;
      }
      if (rule) {
        rule.times -= 1;
        entry.outcome = rule.action;
      }
      if (rule?.action === 'refuse') {
        req.socket.destroy();
        return;
      }
      if (rule?.action === 'answer') {
        res.writeHead(rule.answer?.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(rule.answer?.body ?? {}));
        return;
      }
      forward(upstream, req, res, body, () =>
        rule?.action === 'drop-response'
          ? 'drop-response'
          : rule?.action === 'cut-body'
            ? 'cut-body'
            : 'deliver',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    rule(r: ProxyRule) {
      rules.push(r);
    },
    /** Down: every connection is cut at once (the app sees a network failure). */
    setDown(v: boolean) {
      down = v;
    },
    requests: (pathPrefix: string) => seen.filter((s) => s.path.startsWith(pathPrefix)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
export type Proxy = Awaited<ReturnType<typeof startProxy>>;
