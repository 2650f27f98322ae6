import type { NotificationKind } from '@lyceum/contracts';
import type { MailMessage } from '../../lib/mailer.ts';
import { escapeHtml, markdownToText, renderMarkdown } from './markdown.ts';
import { prepareRaw } from './mime.ts';
import { signUnsubscribe } from './tokens.ts';

/** What an email about one notification needs. */
export interface MailItem {
  type: NotificationKind;
  title: string;
  body: string;
  url: string | null;
  courseId: string | null;
  courseTitle: string | null;
  createdAt: Date;
}

export interface Recipient {
  userId: string;
  email: string;
  name: string;
}

export interface ComposeContext {
  publicUrl: string;
  secret: string;
}

const link = (ctx: ComposeContext, url: string | null) =>
  url ? (/^https?:\/\//.test(url) ? url : `${ctx.publicUrl}${url.startsWith('/') ? '' : '/'}${url}`) : null;

/** RFC 8058: a POST to this URL unsubscribes without sign-in; the same URL opened in a browser (GET) too. */
export function unsubscribeHeaders(
  ctx: ComposeContext,
  userId: string,
  type: NotificationKind,
): { url: string; headers: Record<string, string> } {
  const url = `${ctx.publicUrl}/api/v1/unsubscribe?token=${signUnsubscribe(ctx.secret, { userId, type })}`;
  return {
    url,
    headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** Announcements are markdown (rendered safely); every other body is plain text (escaped). */
const bodyHtml = (item: MailItem) =>
  item.type === 'announcement'
    ? renderMarkdown(item.body)
    : `<p>${escapeHtml(item.body).replace(/\n/g, '<br>')}</p>`;
const bodyText = (item: MailItem) => (item.type === 'announcement' ? markdownToText(item.body) : item.body);

const PAGE_HEAD = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">`;
const UNSUB_BEFORE = `<hr><p style="font-size:12px;color:#555"><a href="`;
const UNSUB_AFTER = `">Unsubscribe from these emails</a></p></body></html>`;
const page = (inner: string, unsubscribe: string) =>
  `${PAGE_HEAD}${inner}${UNSUB_BEFORE}${escapeHtml(unsubscribe)}${UNSUB_AFTER}`;

/** One notification's email for its recipients: as a message for the mailer port, or as a whole MIME message. */
export interface PreparedEmail {
  message(to: Recipient): MailMessage;
  /** The complete message (RFC 5322) from `from`, for mailers that take one (mime.ts: built once per content). */
  raw(from: string): (to: Recipient) => string;
}

/**
 * One notification's email, rendered once for all its recipients (the markdown, the escaping, the page): only the
 * address and the signed unsubscribe link differ per recipient.
 */
export function prepareImmediate(ctx: ComposeContext, item: MailItem): PreparedEmail {
  const href = link(ctx, item.url);
  const course = item.courseTitle ? `${item.courseTitle}: ` : '';
  const subject = `${course}${item.title}`;
  const text = [
    bodyText(item),
    href ? `\nOpen in Lyceum: ${href}` : '',
    `\n--\nUnsubscribe from these emails: `,
  ].join('\n');
  const inner =
    `<h2>${escapeHtml(item.title)}</h2>${item.courseTitle ? `<p><em>${escapeHtml(item.courseTitle)}</em></p>` : ''}` +
    bodyHtml(item) +
    (href ? `<p><a href="${escapeHtml(href)}">Open in Lyceum</a></p>` : '');
  const raws = new Map<string, ReturnType<typeof prepareRaw>>();
  return {
    message(to) {
      const unsub = unsubscribeHeaders(ctx, to.userId, item.type);
      return {
        to: to.email,
        subject,
        text: text + unsub.url,
        html: page(inner, unsub.url),
        headers: unsub.headers,
      };
    },
    raw(from) {
      let build = raws.get(from);
      if (!build) {
        build = prepareRaw(from, {
          subject,
          textBefore: text,
          htmlBefore: `${PAGE_HEAD}${inner}${UNSUB_BEFORE}`,
          htmlAfter: UNSUB_AFTER,
        });
        raws.set(from, build);
      }
      const b = build;
      return (to) => {
        const url = unsubscribeHeaders(ctx, to.userId, item.type).url;
        return b(to.email, url, escapeHtml(url));
      };
    },
  };
}

/** One notification, by email now. */
export function composeImmediate(ctx: ComposeContext, to: Recipient, item: MailItem): MailMessage {
  return prepareImmediate(ctx, item).message(to);
}

/** Items shown per course in a digest; the rest are a count and a link to the inbox. */
export const DIGEST_ITEMS_PER_COURSE = 3;

/**
 * A daily or weekly digest: the items grouped by course (platform-wide ones under "Lyceum"), at most
 * DIGEST_ITEMS_PER_COURSE each, newest first, with "and N more" linking to the inbox. The unsubscribe link turns off
 * the digest's most frequent type.
 */
export function composeDigest(
  ctx: ComposeContext,
  to: Recipient,
  period: 'daily' | 'weekly',
  items: MailItem[],
): MailMessage {
  const groups = new Map<string, { title: string; courseId: string | null; items: MailItem[] }>();
  for (const i of [...items].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())) {
    const key = i.courseId ?? '';
    const g = groups.get(key) ?? { title: i.courseTitle ?? 'Lyceum', courseId: i.courseId, items: [] };
    g.items.push(i);
    groups.set(key, g);
  }
  const counts = new Map<NotificationKind, number>();
  for (const i of items) counts.set(i.type, (counts.get(i.type) ?? 0) + 1);
  const topType = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const unsub = unsubscribeHeaders(ctx, to.userId, topType);
  const inbox = `${ctx.publicUrl}/notifications`;
  const textParts: string[] = [];
  const htmlParts: string[] = [];
  for (const g of groups.values()) {
    const shown = g.items.slice(0, DIGEST_ITEMS_PER_COURSE);
    const more = g.items.length - shown.length;
    const rest = g.courseId ? `${inbox}?course=${g.courseId}` : inbox;
    textParts.push(
      `== ${g.title} ==\n` +
        shown.map((i) => `- ${i.title}${link(ctx, i.url) ? ` (${link(ctx, i.url)})` : ''}`).join('\n') +
        (more > 0 ? `\n  and ${more} more: ${rest}` : ''),
    );
    htmlParts.push(
      `<h3>${escapeHtml(g.title)}</h3><ul>` +
        shown
          .map((i) => {
            const href = link(ctx, i.url);
            const t = escapeHtml(i.title);
            return `<li>${href ? `<a href="${escapeHtml(href)}">${t}</a>` : t}</li>`;
          })
          .join('') +
        `</ul>` +
        (more > 0 ? `<p><a href="${escapeHtml(rest)}">and ${more} more</a></p>` : ''),
    );
  }
  const label = period === 'daily' ? 'Your daily Lyceum digest' : 'Your weekly Lyceum digest';
  return {
    to: to.email,
    subject: `${label}: ${items.length} update${items.length === 1 ? '' : 's'}`,
    text: `${textParts.join('\n\n')}\n\n--\nUnsubscribe: ${unsub.url}`,
    html: page(`<h2>${label}</h2>${htmlParts.join('')}`, unsub.url),
    headers: unsub.headers,
  };
}
