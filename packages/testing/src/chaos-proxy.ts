import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward } from './forward.ts';

export interface ChaosOptions {
  /** Upstream base URL, e.g. http://127.0.0.1:4000 */
  target: string;
  /** Chance that a request is cut before it reaches the server. */
  refuse: number;
  /** Chance that the server handles a request but the client never hears back. */
  dropResponse: number;
  /** Chance that the answer is cut off halfway through its body. */
  cutBody: number;
  /** Extra delay before forwarding, uniformly 0..maxDelayMs. */
  maxDelayMs: number;
  /** Deterministic pseudo-random source (seeded), so a failing run can be replayed. */
  seed: number;
}

export interface ChaosStats {
  requests: number;
  refused: number;
  droppedResponses: number;
  cutBodies: number;
  forwarded: number;
}

/** mulberry32: a tiny seeded PRNG (numbers in [0, 1)), so a random test can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An HTTP proxy on loopback that drops, delays and cuts requests at random between clients and a server.
 * `calm()` turns the chaos off so a test can let everything settle at the end.
 */
export async function startChaosProxy(o: ChaosOptions) {
  const upstream = new URL(o.target);
  const random = prng(o.seed);
  const stats: ChaosStats = { requests: 0, refused: 0, droppedResponses: 0, cutBodies: 0, forwarded: 0 };
  let chaos = true;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      stats.requests += 1;
      const roll = chaos ? random() : 1;
      if (roll < o.refuse) {
        stats.refused += 1;
        req.socket.destroy();
        return;
      }
      const drop = roll < o.refuse + o.dropResponse;
      const cut = !drop && roll < o.refuse + o.dropResponse + o.cutBody;
      const delay = chaos ? Math.floor(random() * o.maxDelayMs) : 0;
      setTimeout(() => {
        forward(upstream, req, res, Buffer.concat(chunks), () => {
          if (drop) stats.droppedResponses += 1;
          else if (cut) stats.cutBodies += 1;
          else stats.forwarded += 1;
          return drop ? 'drop-response' : cut ? 'cut-body' : 'deliver';
        });
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    calm: () => void (chaos = false),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
