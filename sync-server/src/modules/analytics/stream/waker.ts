/**
 * Wakes one waiting loop: wait() resolves on the next wake() or after a timeout. A wake between reading `generation`
 * and calling wait(generation) is not lost.
 */
export class Waker {
  private gen = 0;
  private readonly waiters = new Set<() => void>();

  get generation(): number {
    return this.gen;
  }

  wake(): void {
    this.gen += 1;
    for (const w of [...this.waiters]) w();
  }

  wait(since: number, ms: number): Promise<void> {
    if (this.gen !== since) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}
