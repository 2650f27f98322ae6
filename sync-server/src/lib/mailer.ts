import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post for RFC 8058 one-click unsubscribe, …). */
  headers?: Record<string, string>;
}

/** Port: sends one email. Adapters: .eml files in the data folder (default) or SMTP (SMTP_URL). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Writes each message as an RFC 822 .eml file, the dev stand-in for a mail server. */
export function fileMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(msg) {
      await fs.mkdir(dir, { recursive: true });
      const info = await transport.sendMail({ from, ...msg });
      const safeTo = msg.to.replace(/[^\w.@-]/g, '_');
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeTo}.eml`);
      await fs.writeFile(file, info.message as Buffer);
    },
  };
}

/**
 * SMTP. With `pool` (notification bulk mail), messages share a few kept-open connections instead of one connection
 * each; `close()` ends them.
 */
export function smtpMailer(
  url: string,
  from: string,
  pool?: { maxConnections: number },
): Mailer & { close(): void } {
  let target = url;
  if (pool) {
    // nodemailer reads a URL's query as options (and ignores other keys beside a url).
    const u = new URL(url);
    u.searchParams.set('pool', 'true');
    u.searchParams.set('maxConnections', String(pool.maxConnections));
    u.searchParams.set('maxMessages', '100000');
    target = u.toString();
  }
  const transport = nodemailer.createTransport(target);
  return {
    async send(msg) {
      await transport.sendMail({ from, ...msg });
    },
    close: () => transport.close(),
  };
}
