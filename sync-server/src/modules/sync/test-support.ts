import { randomUUID } from 'node:crypto';
import type { Mutation, MutationResult, PullResponse, PushResponse, SyncChange } from '@lyceum/contracts';
import type { TestServer } from '../../../test/harness.ts';

/** A minimal sync client for tests: a cache of entities keyed `entity:id`, a stored cursor, an outbox. */
export class Replica {
  readonly deviceId = randomUUID();
  readonly cache = new Map<string, unknown>();
  cursor: string | null = null;
  outbox: Mutation[] = [];
  private clientSeq = 0;
  pulls = 0;

  constructor(
    private readonly t: TestServer,
    public token: string,
  ) {}

  get<T>(entity: SyncChange['entity'], id: string): T | undefined {
    return this.cache.get(`${entity}:${id}`) as T | undefined;
  }

  keys(entity: SyncChange['entity']): string[] {
    return [...this.cache.keys()]
      .filter((k) => k.startsWith(`${entity}:`))
      .map((k) => k.slice(entity.length + 1));
  }

  apply(changes: SyncChange[]): void {
    for (const c of changes) {
      const k = `${c.entity}:${c.id}`;
      if (c.op === 'delete') this.cache.delete(k);
      else this.cache.set(k, c.data);
    }
  }

  async pullPage(limit = 500, cursor = this.cursor): Promise<PullResponse> {
    this.pulls += 1;
    const r = await this.t.api<PullResponse>('POST', '/api/v1/sync/pull', {
      token: this.token,
      body: { deviceId: this.deviceId, cursor, limit },
    });
    if (r.status !== 200) throw new Error(`pull ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Pull until no more pages (numbering pending changes first), storing the cursor after each applied page. */
  async sync(limit = 500): Promise<void> {
    await this.t.server.sync.sequencer.run();
    for (let i = 0; i < 1000; i++) {
      const page = await this.pullPage(limit);
      if (page.resyncRequired) {
        this.cache.clear();
        this.cursor = null;
        continue;
      }
      this.apply(page.changes);
      this.cursor = page.cursor;
      if (!page.hasMore) return;
    }
    throw new Error('sync did not finish');
  }

  queue<N extends Mutation['name']>(name: N, args: Extract<Mutation, { name: N }>['args']): Mutation {
    const m = {
      id: randomUUID(),
      clientSeq: this.clientSeq++,
      createdAt: new Date().toISOString(),
      name,
      args,
    } as Mutation;
    this.outbox.push(m);
    return m;
  }

  async pushRaw(mutations: Mutation[]): Promise<{ status: number; body: PushResponse }> {
    return this.t.api<PushResponse>('POST', '/api/v1/sync/push', {
      token: this.token,
      body: { deviceId: this.deviceId, mutations },
    });
  }

  /** Push the outbox; answered mutations leave it. */
  async push(): Promise<MutationResult[]> {
    const r = await this.pushRaw(this.outbox);
    if (r.status !== 200) throw new Error(`push ${r.status}: ${JSON.stringify(r.body)}`);
    const done = new Set(r.body.results.map((x) => x.id));
    this.outbox = this.outbox.filter((m) => !done.has(m.id));
    return r.body.results;
  }
}

export const progressArgs = (
  courseId: string,
  lessonId: string,
  extra: { completed?: boolean; positionSeconds?: number; watchedIntervals?: [number, number][] } = {},
) => ({
  id: randomUUID(),
  courseId,
  lessonId,
  occurredAt: new Date().toISOString(),
  ...extra,
});
