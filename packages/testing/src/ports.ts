import net from 'node:net';

const canBind = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/**
 * A TCP port that was free on 127.0.0.1 a moment ago, for a child process to listen on. It is drawn from below the
 * kernel's ephemeral range (32768+): a port handed out by `listen(0)` could be taken by another test's `listen(0)` in
 * the seconds before the child binds it.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canBind(port)) return port;
  }
  throw new Error('no free port found in 20000–31999');
}
