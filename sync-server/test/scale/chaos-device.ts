import { randomUUID } from 'node:crypto';
import type { Mutation, PullResponse, PushResponse, SyncLessonProgress } from '@lyceum/contracts';
import { prng } from '@lyceum/testing';

/** What every simulated device saw that the chaos test judges: forbidden answers, and how often it had to wait. */
export interface ChaosLedger {
  /** Each 5xx that was not a 503 with Retry-After (method, path, status). */
  violations: string[];
  /** 503 answers with Retry-After (the device waited as told, then sent the same request again). */
  unavailable: number;
  /** Connections refused or cut (a node killed under the request): sent again. */
  networkErrors: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type ProgressMutation = Extract<Mutation, { name: 'recordProgress' }>;

/**
 * A device as the chaos test simulates it, talking to the load balancer only: an outbox of recordProgress mutations
 * sent until acknowledged (the same ids each time), and a cache kept by pulling with a stored cursor. It behaves as a
 * client must: a 503 waits Retry-After, a cut connection is tried again; anything else 5xx is written down.
 */
export class ChaosDevice {
  readonly deviceId = randomUUID();
  readonly acknowledged = new Set<string>();
  readonly sentEvents = new Set<string>();
  private readonly eventByMutation = new Map<string, string>();
  private readonly cache = new Map<string, SyncLessonProgress>();
  private outbox: ProgressMutation[] = [];
  private cursor: string | null = null;
  private clientSeq = 0;
  private stopped = false;

  private constructor(
    private readonly lbUrl: string,
    private readonly ledger: ChaosLedger,
    readonly n: number,
    readonly userId: string,
    readonly token: string,
  ) {}

  static async signup(lbUrl: string, ledger: ChaosLedger, n = 0): Promise<ChaosDevice> {
    const probe = new ChaosDevice(lbUrl, ledger, n, '', '');
    const body = await probe.send<{ user: { id: string }; accessToken: string }>(
      'POST',
      '/api/v1/auth/signup',
      {
        email: `chaos-${n}-${randomUUID()}@chaos.test`,
        password: 'Chaos-Passw0rd-42',
        name: `Chaos device ${n}`,
      },
    );
    return new ChaosDevice(lbUrl, ledger, n, body.user.id, body.accessToken);
  }

  get outboxSize(): number {
    return this.outbox.length;
  }

  eventOf(mutationId: string): string {
    return this.eventByMutation.get(mutationId) ?? '';
  }

  async enroll(courseId: string): Promise<void> {
    await this.send('POST', `/api/v1/courses/${courseId}/enrollment`);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Study (queue progress), push and pull, over and over until stop(). */
  async run(courseId: string, lessonIds: string[], seed: number): Promise<void> {
    this.stopped = false;
    const rand = prng(seed);
    while (!this.stopped) {
      for (let i = 0, k = 1 + Math.floor(rand() * 3); i < k; i++) {
        const lessonId = lessonIds[Math.floor(rand() * lessonIds.length)]!;
        const from = Math.floor(rand() * 600);
        this.queue({
          id: randomUUID(),
          courseId,
          lessonId,
          positionSeconds: from + 30,
          watchedIntervals: [[from, from + 30]],
          completed: rand() < 0.1,
          occurredAt: new Date().toISOString(),
        });
      }
      await this.push();
      await this.pull();
      await sleep(150 + rand() * 250);
    }
  }

  /** One progress record pushed straight to one node (not the balancer): a change made through that node. */
  async recordOnce(nodeUrl: string, courseId: string, lessonId: string): Promise<void> {
    this.queue({
      id: randomUUID(),
      courseId,
      lessonId,
      positionSeconds: 1,
      occurredAt: new Date().toISOString(),
    });
    const via = new ChaosDevice(nodeUrl, this.ledger, this.n, this.userId, this.token);
    via.outbox = this.outbox;
    await via.push();
    for (const id of via.acknowledged) this.acknowledged.add(id);
    this.outbox = via.outbox;
  }

  /** Push until the outbox is empty, then pull to the end. */
  async drain(): Promise<void> {
    while (this.outbox.length) await this.push();
    await this.pull();
  }

  lessonProgress(): Record<string, SyncLessonProgress> {
    return Object.fromEntries([...this.cache].sort(([a], [b]) => a.localeCompare(b)));
  }

  /**
   * The server's state for this account by a full pull on a new device id. Changes are numbered shortly after they
   * commit, so the device pulls again until its copy agrees (or the time runs out and the caller sees the difference).
   */
  async freshCopy(ms = 15_000): Promise<Record<string, SyncLessonProgress>> {
    const end = Date.now() + ms;
    for (;;) {
      const other = new ChaosDevice(this.lbUrl, this.ledger, this.n, this.userId, this.token);
      await other.pull();
      await this.pull();
      const fresh = other.lessonProgress();
      if (JSON.stringify(fresh) === JSON.stringify(this.lessonProgress()) || Date.now() > end) return fresh;
      await sleep(200);
    }
  }

  private queue(args: ProgressMutation['args']): void {
    const m: ProgressMutation = {
      id: randomUUID(),
      clientSeq: this.clientSeq++,
      createdAt: new Date().toISOString(),
      name: 'recordProgress',
      args,
    };
    this.eventByMutation.set(m.id, args.id);
    this.sentEvents.add(args.id);
    this.outbox.push(m);
  }

  private async push(): Promise<void> {
    if (!this.outbox.length) return;
    const batch = this.outbox.slice(0, 50);
    const body = await this.send<PushResponse>('POST', '/api/v1/sync/push', {
      deviceId: this.deviceId,
      mutations: batch,
    });
    const done = new Set<string>();
    for (const r of body.results) {
      if (r.status !== 'applied')
        throw new Error(`device ${this.n}: mutation rejected: ${r.code} ${r.message}`);
      this.acknowledged.add(r.id);
      done.add(r.id);
    }
    this.outbox = this.outbox.filter((m) => !done.has(m.id));
  }

  private async pull(): Promise<void> {
    for (let page = 0; page < 1000; page++) {
      const body = await this.send<PullResponse>('POST', '/api/v1/sync/pull', {
        deviceId: this.deviceId,
        cursor: this.cursor,
        limit: 200,
      });
      if (body.resyncRequired) {
        this.cache.clear();
        this.cursor = null;
        continue;
      }
      for (const c of body.changes) {
        if (c.entity !== 'lesson_progress') continue;
        if (c.op === 'delete') this.cache.delete(c.id);
        else this.cache.set(c.id, c.data as SyncLessonProgress);
      }
      this.cursor = body.cursor;
      if (!body.hasMore) return;
    }
    throw new Error(`device ${this.n}: pull did not end`);
  }

  /** One request through the balancer, sent again after a 503 (waiting Retry-After) or a cut connection. */
  private async send<T>(method: string, path: string, payload?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.lbUrl + path, {
          method,
          headers: {
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          },
          body: payload === undefined ? undefined : JSON.stringify(payload),
          signal: AbortSignal.timeout(30_000),
        });
      } catch {
        this.ledger.networkErrors += 1;
        await sleep(100 + Math.random() * 200);
        continue;
      }
      const text = await res.text();
      if (res.status === 503 && res.headers.get('retry-after')) {
        this.ledger.unavailable += 1;
        // Wait as told, with jitter, so the devices do not all come back in the same instant.
        await sleep(Number(res.headers.get('retry-after')) * 1000 * (0.5 + Math.random() / 2));
        continue;
      }
      if (res.status >= 500) {
        this.ledger.violations.push(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
        await sleep(200);
        continue;
      }
      if (res.status >= 400) throw new Error(`device ${this.n}: ${method} ${path} → ${res.status} ${text}`);
      return JSON.parse(text) as T;
    }
  }
}
