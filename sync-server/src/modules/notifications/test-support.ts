import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** Header value (unfolded), first occurrence. */
  header(name: string): string | null;
  /** The decoded text/plain + text/html parts, joined (quoted-printable soft breaks removed). */
  body: string;
}

const unfold = (s: string) => s.replace(/\r?\n[ \t]+/g, ' ');

function decodeQp(s: string): string {
  return s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** A real SMTP server on loopback that keeps what it receives (as the mailer tests do). */
export async function startSmtpSink() {
  const received: ReceivedMail[] = [];
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        count += 1;
        if (keep) {
          const raw = Buffer.concat(chunks).toString('utf8');
          const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
          const headers = unfold(head);
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            header: (name) => new RegExp(`^${name}: (.*)$`, 'mi').exec(headers)?.[1] ?? null,
            body: decodeQp(rest.join('\n\n')),
          });
        }
        cb();
      });
    },
  });
  let keep = true;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    port,
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    /** Messages accepted so far (also when not kept). */
    count: () => count,
    /** Keep only counts (the bench). */
    keepMessages(on: boolean) {
      keep = on;
    },
    to: (email: string) => received.filter((m) => m.to.includes(email)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

/** Poll until `cond` holds (or fail after `ms`). */
export async function until(
  cond: () => boolean | Promise<boolean>,
  ms = 5000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect.fail(`timed out waiting for ${what}`);
}
