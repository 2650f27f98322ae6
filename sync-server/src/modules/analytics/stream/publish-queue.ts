interface Entry<T> {
  topic: string;
  count: number;
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for publishers: up to `lanes` writes run at a time (default one); the calls that arrive meanwhile
 * wait and are written together by the next free lane (neighbours of the same topic, up to `max` events), in arrival
 * order. Each call resolves when the write holding its events has succeeded and is rejected if it failed. An idle
 * queue writes at once, so batching adds no latency; a busy one turns many small publishes into few large writes.
 * With two lanes, one write's round trips and commit overlap the next one's.
 */
export class PublishQueue<T> {
  private readonly queue: Entry<T>[] = [];
  /** Lanes writing now. */
  private active = 0;
  private idlers: (() => void)[] = [];

  constructor(
    private readonly write: (topic: string, items: T[]) => Promise<void>,
    private readonly max: number,
    private readonly lanes = 1,
  ) {}

  /** Queue `count` events (prepared as `item`) for `topic`; resolves once they are written. */
  push(topic: string, count: number, item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, count, item, resolve, reject });
      if (this.active < this.lanes) {
        this.active += 1;
        void this.drain();
      }
    });
  }

  /** Resolves when everything queued so far has been written (or has failed). */
  idle(): Promise<void> {
    return this.active ? new Promise<void>((resolve) => this.idlers.push(resolve)) : Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = [this.queue.shift()!];
      const topic = batch[0]!.topic;
      let n = batch[0]!.count;
      while (this.queue.length && this.queue[0]!.topic === topic && n + this.queue[0]!.count <= this.max) {
        n += this.queue[0]!.count;
        batch.push(this.queue.shift()!);
      }
      try {
        await this.write(
          topic,
          batch.map((e) => e.item),
        );
        for (const e of batch) e.resolve();
      } catch (err) {
        for (const e of batch) e.reject(err);
      }
    }
    // Released in the very turn the queue is seen empty: no call is ever left waiting on a lane that has ended.
    this.active -= 1;
    if (!this.active) for (const resolve of this.idlers.splice(0)) resolve();
  }
}
