import http from 'node:http';

/** How a proxy finishes an answer it got from upstream. */
export type Finish = 'deliver' | 'drop-response' | 'cut-body';

/**
 * Forward one buffered request to `upstream` and finish the client's answer as told: deliver it, cut the
 * connection without answering (the server applied it, the client never hears back), or send the headers and half
 * the body, then cut. Shared by the test proxies that simulate bad networks.
 */
export function forward(
  upstream: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
  finish: () => Finish,
): void {
  const up = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (ur) => {
      const out: Buffer[] = [];
      ur.on('data', (c: Buffer) => out.push(c));
      ur.on('end', () => {
        const answer = Buffer.concat(out);
        const how = finish();
        if (how === 'drop-response') {
          req.socket.destroy();
          return;
        }
        const headers = { ...ur.headers, 'content-length': String(answer.length) };
        delete headers['transfer-encoding'];
        res.writeHead(ur.statusCode ?? 502, headers);
        if (how === 'cut-body') {
          res.write(answer.subarray(0, Math.floor(answer.length / 2)));
          setTimeout(() => req.socket.destroy(), 20);
          return;
        }
        res.end(answer);
      });
    },
  );
  up.on('error', () => req.socket.destroy());
  up.end(body);
}
