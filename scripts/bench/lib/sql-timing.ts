import pg from 'pg';

/**
 * Time every SQL statement of every client of this thread's `pg` (pooled or not), by its first words: `done(key, ms)`
 * gets the wall time from send to result (so event-loop delay is included).
 */
export function timeEverySql(done: (key: string, ms: number) => void, keyLength = 70): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | null)?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, keyLength);
    const t0 = performance.now();
    const finish = () => done(key, performance.now() - t0);
    // pg.Pool#query passes a callback; everything else awaits the promise.
    const last = args.length - 1;
    const cb = args[last];
    if (typeof cb === 'function')
      args[last] = (...r: unknown[]) => {
        finish();
        return (cb as (...x: unknown[]) => unknown)(...r);
      };
    const out = original.apply(this, args);
    if (typeof cb !== 'function' && out && typeof (out as Promise<unknown>).then === 'function')
      void (out as Promise<unknown>).then(finish, () => {});
    return out;
  };
}
