// The load generator of bench:ingest, in its own process (forked with an IPC channel). OPEN LOOP: request k is due at
// start + (statements before it) / rate and is sent then, whatever happened to the earlier ones — a slow server makes
// answers late and requests pile up in flight, it never slows the offered load. Requests sent more than LATE_MS
// after their due time (the generator itself fell behind) are counted. A phase's requests are built before its clock
// starts, so that sending is all the generator does meanwhile on the 2 cores it shares with the pipeline.
import fs from 'node:fs';
import http from 'node:http';
import { Learner, addExpected, emptyExpected, prng, tally, type Expected, type Statement } from './events.ts';
import { LATE_MS, type FromLoad, type LoadSetup, type PhaseResult, type ToLoad } from './protocol.ts';

const send = (m: FromLoad) => process.send!(m);

let setup: LoadSetup;
const expected = emptyExpected();
const acknowledged: string[] = [];
const unacknowledged: string[] = [];
const actorsSeen = new Set<string>();
const kept: Request[] = [];
let rand: () => number;
let desktop: { learner: Learner; token: string; deviceId: string }[] = [];
let outside: Learner[] = [];
let nextDesktop = 0;
let nextOutside = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

interface Request {
  kind: 'desktop' | 'xapi';
  path: string;
  headers: Record<string, string>;
  /** The body, but for desktop uploads without the envelope (sentAt is set when sent). */
  statements: Buffer;
  ids: string[];
  deviceId?: string;
  /** What these statements add to the figures, and their actors (counted once acknowledged). */
  expected: Expected;
  actors: string[];
}

function build(now: number, wantXapi: boolean): Request {
  const batch: Statement[] = [];
  const expected = emptyExpected();
  if (wantXapi) {
    // An outside tool's batch: statements of many learners, interleaved.
    const actors = new Set<string>();
    for (let i = 0; i < setup.xapiBatch; i++) {
      const l = outside[nextOutside++ % outside.length]!;
      actors.add(`mbox:${l.actor.mbox!}`);
      batch.push(l.next(now));
    }
    for (const s of batch) tally(expected, s);
    return {
      kind: 'xapi',
      path: '/xapi/statements',
      headers: {
        authorization: `Basic ${Buffer.from(`${setup.xapi.key}:${setup.xapi.secret}`).toString('base64')}`,
        'x-experience-api-version': '1.0.3',
      },
      statements: Buffer.from(JSON.stringify(batch)),
      ids: batch.map((s) => s.id),
      expected,
      actors: [...actors],
    };
  }
  // A desktop app uploading its queue: one learner's statements, oldest first.
  const d = desktop[nextDesktop++ % desktop.length]!;
  const n = setup.batch.min + Math.floor(rand() * (setup.batch.max - setup.batch.min + 1));
  for (let i = 0; i < n; i++) batch.push(d.learner.next(now));
  for (const s of batch) tally(expected, s);
  return {
    kind: 'desktop',
    path: '/api/v1/analytics/events',
    headers: { authorization: `Bearer ${d.token}` },
    statements: Buffer.from(JSON.stringify(batch)),
    ids: batch.map((s) => s.id),
    deviceId: d.deviceId,
    expected,
    actors: [d.learner.actor.userId!],
  };
}

interface Answer {
  status: number;
  body: string;
}

function post(r: Request): Promise<Answer> {
  const parts =
    r.kind === 'desktop'
      ? [
          Buffer.from(
            `{"deviceId":${JSON.stringify(r.deviceId)},"sentAt":"${new Date().toISOString()}","statements":`,
          ),
          r.statements,
          Buffer.from('}'),
        ]
      : [r.statements];
  const length = parts.reduce((n, b) => n + b.length, 0);
  const url = new URL(setup.url + r.path);
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...r.headers, 'content-type': 'application/json', 'content-length': String(length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', (err) => resolve({ status: 0, body: String(err) }));
      },
    );
    req.setTimeout(600_000, () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: String(err) }));
    for (const b of parts) req.write(b);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * As an uploader does: a request that got no answer (connection reset) or a 5xx is sent again, up to 3 times, a
 * second apart — the collector takes a repeat of a statement it already has as a duplicate.
 */
async function postRetrying(r: Request, result: PhaseResult): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    let a = await post(r);
    // Backpressure (503 collector_busy + Retry-After): the sender keeps its events and sends them again when told,
    // as the desktop app's queue does; not a failure, and not limited to 3 attempts.
    while (a.status === 503 && a.body.includes('"collector_busy"')) {
      result.busy += 1;
      await sleep(1000);
      a = await post(r);
    }
    if ((a.status !== 0 && a.status < 500) || attempt === 3) return a;
    result.retried += 1;
    if (result.failures.length < 5) result.failures.push(`retried after ${a.status} ${a.body.slice(0, 200)}`);
    await sleep(1000);
  }
}

const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]! : NaN;
};

/**
 * The requests of a `seconds`-long phase at `rate`, built before its clock starts: building statements (and their
 * JSON) costs the generator about 10 µs an event, CPU this 2-core machine would otherwise take from the pipeline it
 * measures. Their device times lie in the past of the phase, as an upload's queue does.
 */
function buildAll(rate: number, seconds: number): Request[] {
  const out: Request[] = [];
  let scheduled = 0;
  let xapiEvents = 0;
  const now = Date.now();
  while ((scheduled / rate) * 1000 < seconds * 1000) {
    const wantXapi = setup.xapiShare > 0 && xapiEvents < setup.xapiShare * (scheduled + 1);
    const r = build(now, wantXapi);
    scheduled += r.ids.length;
    if (r.kind === 'xapi') xapiEvents += r.ids.length;
    out.push(r);
  }
  return out;
}

/** Requests built by the `build` command for the next phase. */
let prebuilt: Request[] | null = null;

/** Run requests on the clock (or `fixed` ones, for the replay) and tally what the collector answered. */
async function phase(name: string, rate: number, seconds: number, fixed?: Request[]): Promise<PhaseResult> {
  const planned = fixed ?? prebuilt ?? buildAll(rate, seconds);
  prebuilt = null;
  const result: PhaseResult = {
    name,
    rate,
    seconds,
    requests: 0,
    events: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
    retried: 0,
    busy: 0,
    failures: [],
    late: 0,
    maxLateMs: 0,
    firstSendAt: 0,
    lastSendAt: 0,
    lastAnswerAt: 0,
    answerMs: { p50: 0, p99: 0, max: 0 },
    maxInFlight: 0,
    perSecond: [],
    cpuSeconds: 0,
  };
  const answerMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  result.firstSendAt = Date.now();
  let scheduled = 0; // statements before the next request
  for (const r of planned) {
    if (!fixed && performance.now() - t0 >= seconds * 1000) break;
    const due = (scheduled / rate) * 1000;
    scheduled += r.ids.length;
    const wait = due - (performance.now() - t0);
    if (wait > 1) await sleep(wait);
    const lateMs = performance.now() - t0 - due;
    if (lateMs > LATE_MS) result.late += 1;
    result.maxLateMs = Math.max(result.maxLateMs, lateMs);
    const keep = !fixed && rand() < setup.replayShare;
    result.requests += 1;
    result.events += r.ids.length;
    const sentAt = performance.now();
    result.lastSendAt = Date.now();
    const p: Promise<void> = postRetrying(r, result).then((a) => {
      inFlight.delete(p);
      const now = performance.now();
      answerMs.push(now - sentAt);
      result.lastAnswerAt = Date.now();
      if (a.status < 200 || a.status > 299) {
        result.failed += 1;
        if (!fixed) for (const id of r.ids) unacknowledged.push(id);
        if (result.failures.length < 5) result.failures.push(`${a.status} ${a.body.slice(0, 300)}`);
        return;
      }
      if (keep) kept.push(r);
      let accepted = 0;
      if (r.kind === 'desktop') {
        const b = JSON.parse(a.body) as { accepted: number; duplicates: number; rejected: unknown[] };
        accepted = b.accepted;
        result.duplicates += b.duplicates;
        result.rejected += b.rejected.length;
        if (b.rejected.length && result.failures.length < 5)
          result.failures.push(`rejected: ${JSON.stringify(b.rejected[0]).slice(0, 300)}`);
      } else {
        accepted = (JSON.parse(a.body) as string[]).length;
      }
      result.accepted += accepted;
      if (!fixed) {
        for (const id of r.ids) acknowledged.push(id);
        for (const a of r.actors) actorsSeen.add(a);
        addExpected(expected, r.expected);
      }
      const sec = Math.floor((now - t0) / 1000);
      while (result.perSecond.length <= sec) result.perSecond.push(0);
      result.perSecond[sec]! += accepted;
    });
    inFlight.add(p);
    result.maxInFlight = Math.max(result.maxInFlight, inFlight.size);
  }
  while (inFlight.size) await Promise.race(inFlight);
  const cpu = process.cpuUsage(cpu0);
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  result.answerMs = {
    p50: quantile(answerMs, 0.5),
    p99: quantile(answerMs, 0.99),
    max: Math.max(0, ...answerMs),
  };
  return result;
}

function init(s: LoadSetup): void {
  setup = s;
  rand = prng(s.seed);
  const now = Date.now();
  // Device clocks start 30–40 h back: even a learner uploading several large batches stays in the past.
  const start = () => now - 40 * 3_600_000 + rand() * 10 * 3_600_000;
  desktop = s.learners.map((l) => ({
    learner: new Learner({ userId: l.id }, s.courses, prng(s.seed ^ hash(l.id)), start(), 'Lyceum desktop'),
    token: l.token,
    deviceId: `bench-device-${l.id.slice(-12)}`,
  }));
  for (let i = desktop.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [desktop[i], desktop[j]] = [desktop[j]!, desktop[i]!];
  }
  outside = Array.from(
    { length: 400 },
    (_, i) =>
      new Learner(
        { mbox: `learner${i}@partner-lms.example` },
        s.courses,
        prng(s.seed + i),
        start(),
        'Partner LMS',
      ),
  );
}

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

let started = false;
process.on('message', (m: ToLoad | { cmd: 'setup'; setup: LoadSetup }) => {
  void (async () => {
    try {
      if (m.cmd === 'setup') {
        init(m.setup);
        started = true;
        send({ type: 'ready' });
      } else if (!started) throw new Error('setup first');
      else if (m.cmd === 'build') {
        const t = performance.now();
        prebuilt = buildAll(m.rate, m.seconds);
        send({ type: 'built', requests: prebuilt.length, ms: performance.now() - t });
      } else if (m.cmd === 'phase') send({ type: 'phase', result: await phase(m.name, m.rate, m.seconds) });
      else if (m.cmd === 'replay') send({ type: 'phase', result: await phase('replay', m.rate, 0, kept) });
      else if (m.cmd === 'finish') {
        await fs.promises.writeFile(setup.idsFile, acknowledged.join('\n'));
        await fs.promises.writeFile(`${setup.idsFile}.unacknowledged`, unacknowledged.join('\n'));
        send({ type: 'finished', expected, ids: acknowledged.length, actors: actorsSeen.size });
        agent.destroy();
        process.disconnect();
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  })();
});
