import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
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

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(msg) {
      await transport.sendMail({ from, ...msg });
    },
  };
}
