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
  /**
   * Optional: hand over a complete RFC 5322 message as it is (bulk notification mail, composed once per content and
   * addressed per recipient). `from` is the sender the message must carry.
   */
  raw?: { from: string; send(to: string, message: string): Promise<void> };
}

/** The address of "Name <address>" (an SMTP envelope's). */
const envelopeAddress = (mailbox: string) => /<([^>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();

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
  const envelopeFrom = envelopeAddress(from);
  return {
    async send(msg) {
      await transport.sendMail({ from, ...msg });
    },
    raw: {
      from,
      async send(to, message) {
        await transport.sendMail({ envelope: { from: envelopeFrom, to }, raw: message });
      },
    },
    close: () => transport.close(),
  };
}
