import fs from 'node:fs';
import path from 'node:path';

/** The text of an .eml body: quoted-printable soft breaks and escapes undone (our emails are ASCII). */
function decode(eml: string): string {
  const qp = /content-transfer-encoding:\s*quoted-printable/i.test(eml);
  const body = eml
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n\n');
  if (!qp) return body;
  return body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * The newest password-reset email the sync server wrote for `to` (its dev mailer writes .eml files to
 * `<data dir>/mail`): the link it gives and the code (token) in it. Polls until the email is there. The server sends
 * it after answering the request: pass `since` (Date.now() before the request) to skip older reset emails to `to`.
 */
export async function resetEmail(
  serverDataDir: string,
  to: string,
  timeoutMs = 10_000,
  since = 0,
): Promise<{ link: string; code: string; text: string }> {
  const dir = path.join(serverDataDir, 'mail');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.eml') && fs.statSync(path.join(dir, f)).mtimeMs >= since)
          .sort()
      : [];
    const mine = files
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .filter((eml) => new RegExp(`^To: ${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'im').test(eml))
      .map(decode)
      .filter((text) => text.includes('/reset-password?token='));
    const text = mine.at(-1);
    if (text) {
      const m = /(http\S+\/reset-password\?token=([\w-]+))/.exec(text);
      if (m?.[1] && m[2]) return { link: m[1], code: m[2], text };
    }
    if (Date.now() > deadline) throw new Error(`No reset email for ${to} in ${dir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
