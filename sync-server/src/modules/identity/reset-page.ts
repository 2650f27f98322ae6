import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { passwordRules } from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { AccountService } from './accounts.ts';

/**
 * The page a password-reset email links to: `GET /reset-password?token=…` shows the password rules and a form,
 * which posts (a plain form, no script: the strict CSP holds) to `POST /reset-password`; the answer is a page with
 * the result. The JSON route `POST /api/v1/auth/password-reset/confirm` does the same for the app.
 */

const TokenQuery = z.object({ token: z.string().min(10).max(200) });
const ResetForm = z.object({
  token: z.string().min(10).max(200),
  password: z.string().max(256),
  confirm: z.string().max(256),
});

const css = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
main{max-width:34rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #d0d5dd;border-radius:8px}
h1{font-size:1.5rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=password]{width:100%;font:inherit;padding:.5rem .6rem;border:1px solid #667085;border-radius:6px}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
button{margin-top:1.25rem;font:inherit;font-weight:600;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1d4ed8;color:#fff;cursor:pointer}
.rules{margin:.25rem 0 0;padding-left:1.25rem;color:#344054}
.notice{padding:.75rem 1rem;border-radius:6px;margin:0 0 1rem}.notice p{margin:0 0 .25rem}.notice p:last-child{margin:0}
.error{background:#fef3f2;border:1px solid #b42318;color:#7a271a}
.ok{background:#ecfdf3;border:1px solid #067647;color:#054f31}
a{color:#1d4ed8}
@media (prefers-color-scheme:dark){
body{background:#0f1115;color:#e6e8eb}main{background:#181b21;border-color:#3a404b}
input[type=password]{background:#0f1115;color:#e6e8eb;border-color:#8a93a3}.rules{color:#c5cad3}
.error{background:#3a1714;color:#fecdca;border-color:#f97066}.ok{background:#0b2e1d;color:#abefc6;border-color:#47cd89}
a{color:#93b4ff}button{background:#3b6cf6}
}`;

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(title)} · Lyceum</title>
<link rel="stylesheet" href="/reset-password/style.css"></head>
<body><main id="main">
<h1>${escape(title)}</h1>
${body}
</main></body></html>`;
}

const list = (items: readonly string[], id: string) =>
  `<ul class="rules" id="${id}">${items.map((r) => `<li>${escape(r)}</li>`).join('')}</ul>`;

function form(token: string, problems: string[] = []): string {
  const alert = problems.length
    ? `<div class="notice error" role="alert" id="problems"><p><strong>The password was not changed:</strong></p>${list(problems, 'problem-list')}</div>`
    : '';
  const describedBy = problems.length ? 'problems rules' : 'rules';
  return `${alert}
<p>Choose a new password for your Lyceum account. Setting it signs out every device signed in to your account.</p>
<form method="post" action="/reset-password">
<input type="hidden" name="token" value="${escape(token)}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required maxlength="256" aria-describedby="${describedBy}"${problems.length ? ' aria-invalid="true" autofocus' : ' autofocus'}>
<p id="rules-title">Your password needs:</p>
${list(passwordRules, 'rules')}
<label for="confirm">Repeat the new password</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength="256">
<button type="submit">Set the new password</button>
</form>`;
}

const invalidLink = `<div class="notice error" role="alert"><p>This reset link is invalid, already used or expired (links work once, for 30 minutes).</p></div>
<p>Ask for a new one: in the Lyceum app, choose <strong>Forgot password?</strong> on the sign-in screen.</p>`;

function send(res: Response, status: number, title: string, body: string): void {
  res.status(status).set('cache-control', 'no-store').type('html').send(page(title, body));
}

export function resetPageRouter(accounts: AccountService): Router {
  const r = express.Router();
  r.get('/style.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=3600').send(css);
  });
  r.get('/', (req, res) => {
    const q = TokenQuery.safeParse(req.query);
    if (!q.success) return send(res, 400, 'This reset link is incomplete', invalidLink);
    send(res, 200, 'Choose a new password', form(q.data.token));
  });
  r.post('/', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
    const f = ResetForm.safeParse(req.body);
    if (!f.success) return send(res, 400, 'This reset link is incomplete', invalidLink);
    const { token, password, confirm } = f.data;
    if (!password) return send(res, 400, 'Choose a new password', form(token, ['Enter a new password']));
    if (password !== confirm)
      return send(res, 400, 'Choose a new password', form(token, ['The two passwords are not the same']));
    try {
      await accounts.confirmPasswordReset(token, password);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'weak_password') {
        const problems = (err.details as { problems?: string[] } | undefined)?.problems ?? [err.message];
        return send(res, 400, 'Choose a new password', form(token, problems));
      }
      if (err instanceof ApiError && err.code === 'reset_token_invalid')
        return send(res, 400, 'This reset link no longer works', invalidLink);
      return next(err);
    }
    send(
      res,
      200,
      'Your password was changed',
      `<div class="notice ok" role="status"><p>Your new password is set. Every device that was signed in to your account has been signed out.</p></div>
<p>Sign in again in the Lyceum app with your new password.</p>`,
    );
  });
  return r;
}
