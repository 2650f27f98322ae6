import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileMailer, smtpMailer, type Mailer } from './mailer.ts';

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp() {
  const received: { from: string; to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let dir: string;
beforeAll(async () => {
  smtp = await startSmtp();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-mail-'));
});
afterAll(async () => {
  await smtp.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** What each adapter delivered, read back as raw RFC 822 text. */
const adapters: { name: string; make: () => Mailer; delivered: () => Promise<string[]> }[] = [
  {
    name: 'file (.eml in the data folder)',
    make: () => fileMailer(dir, 'Lyceum <no-reply@lyceum.test>'),
    delivered: async () =>
      Promise.all((await fs.readdir(dir)).sort().map((f) => fs.readFile(path.join(dir, f), 'utf8'))),
  },
  {
    name: 'SMTP (a real exchange with a loopback server)',
    make: () => smtpMailer(`smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`, 'Lyceum <no-reply@lyceum.test>'),
    delivered: async () => smtp.received.map((m) => m.raw),
  },
];

describe.each(adapters)('mailer contract: $name', ({ make, delivered }) => {
  it('delivers a message with recipient, subject and body intact', async () => {
    const before = (await delivered()).length;
    await make().send({
      to: 'student@example.test',
      subject: 'Reset your Lyceum password',
      text: 'Your code: abc-123\nBye',
    });
    const all = await delivered();
    expect(all.length).toBe(before + 1);
    const raw = all.at(-1)!;
    expect(raw).toMatch(/^To: student@example\.test/m);
    expect(raw).toMatch(/^From: Lyceum <no-reply@lyceum\.test>/m);
    expect(raw).toMatch(/^Subject: Reset your Lyceum password/m);
    expect(raw).toContain('Your code: abc-123');
  });
});
