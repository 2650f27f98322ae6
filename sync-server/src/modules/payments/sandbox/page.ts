import type { SandboxSessionRow } from '../tables.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const formatMoney = (amountMinor: number, currency: string, locale = 'en') => {
  const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(amountMinor / 10 ** digits);
};

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1a1a1a}
main{max-width:28rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 3px #0003}
h1{font-size:1.25rem;margin:0 0 .25rem}
.banner{background:#fff4cc;border:1px solid #b38600;padding:.5rem;border-radius:4px;font-size:.875rem}
.amount{font-size:1.75rem;font-weight:700;margin:.5rem 0 1rem}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{font:inherit;padding:.5rem;border:1px solid #555;border-radius:4px;width:100%;box-sizing:border-box}
.row{display:flex;gap:.75rem}.row>div{flex:1}
button{font:inherit;font-weight:600;margin-top:1rem;width:100%;padding:.75rem;border-radius:4px;border:2px solid #0b3d91;cursor:pointer}
button.primary{background:#0b3d91;color:#fff}button.secondary{background:#fff;color:#0b3d91}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #c05f00;outline-offset:2px}
.error{background:#fde8e8;border:1px solid #a40000;color:#7a0000;padding:.5rem;border-radius:4px}
fieldset{border:1px solid #ccc;border-radius:4px;margin:1rem 0 0;padding:.5rem 1rem 1rem}
legend{font-weight:700}
a{color:#0b3d91}
`;

function layout(title: string, body: string, sandbox = true): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>
${sandbox ? '<p class="banner" role="note">Sandbox gateway: test mode, no real money moves.</p>' : ''}
${body}
</main></body></html>`;
}

const summary = (s: SandboxSessionRow) => `
<h1 id="what">${esc(s.description)}</h1>
<p class="amount" aria-describedby="what">${esc(formatMoney(s.amountMinor, s.currency))}</p>`;

/** The hosted checkout page: a card form and a bank transfer option, usable by keyboard and without scripts. */
export function checkoutPage(s: SandboxSessionRow, error?: string): string {
  if (s.status !== 'open') {
    return layout(
      'Checkout closed',
      `${summary(s)}<p role="status">This checkout is ${esc(s.status)}.</p>
<p><a href="${esc(s.status === 'complete' ? s.successUrl : s.cancelUrl)}">Return to Lyceum</a></p>`,
    );
  }
  const action = `/sandbox/checkout/sessions/${esc(s.id)}/pay`;
  const year = new Date().getUTCFullYear() + 3;
  return layout(
    `Pay ${s.description}`,
    `${summary(s)}
${error ? `<p class="error" role="alert" id="pay-error">${esc(error)}</p>` : ''}
<form method="post" action="${action}" aria-label="Pay by card">
<fieldset><legend>Card</legend>
<input type="hidden" name="method" value="card">
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="cc-number" required
  pattern="[0-9 \\-]{12,23}" placeholder="4242 4242 4242 4242"${error ? ' aria-describedby="pay-error" aria-invalid="true"' : ''}>
<div class="row">
<div><label for="expMonth">Expiry month</label>
<input id="expMonth" name="expMonth" inputmode="numeric" autocomplete="cc-exp-month" required pattern="[0-9]{1,2}" placeholder="12"></div>
<div><label for="expYear">Expiry year</label>
<input id="expYear" name="expYear" inputmode="numeric" autocomplete="cc-exp-year" required pattern="[0-9]{4}" placeholder="${year}"></div>
<div><label for="cvc">Security code</label>
<input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required pattern="[0-9]{3,4}" placeholder="123"></div>
</div>
<button class="primary" type="submit">Pay ${esc(formatMoney(s.amountMinor, s.currency))}</button>
</fieldset>
</form>
<form method="post" action="${action}" aria-label="Pay by bank transfer">
<fieldset><legend>Bank transfer</legend>
<p>The course unlocks when the transfer arrives (a few seconds in the sandbox).</p>
<input type="hidden" name="method" value="bank_transfer">
<button class="secondary" type="submit">Pay by bank transfer</button>
</fieldset>
</form>
<p><a href="${esc(s.cancelUrl)}">Cancel and return to Lyceum</a></p>`,
  );
}

/** The 3-D Secure step for cards that need one (4000 0025 0000 3155). */
export function confirmPage(s: SandboxSessionRow): string {
  const action = `/sandbox/checkout/sessions/${esc(s.id)}/confirm`;
  return layout(
    'Confirm your payment',
    `${summary(s)}
<h2>Confirm this payment</h2>
<p>Your bank asks you to confirm this payment (a 3-D Secure test step).</p>
<form method="post" action="${action}"><input type="hidden" name="outcome" value="complete">
<button class="primary" type="submit">Complete authentication</button></form>
<form method="post" action="${action}"><input type="hidden" name="outcome" value="fail">
<button class="secondary" type="submit">Fail authentication</button></form>`,
  );
}

/** Where the student lands after paying (or cancelling) when the client gave no page of its own. */
export function returnPage(outcome: 'success' | 'cancel'): string {
  return layout(
    outcome === 'success' ? 'Payment received' : 'Payment cancelled',
    outcome === 'success'
      ? '<h1>Thank you</h1><p role="status">Your payment is being confirmed. You can close this tab: the course unlocks in Lyceum by itself.</p>'
      : '<h1>Payment cancelled</h1><p role="status">Nothing was charged. You can close this tab and return to Lyceum.</p>',
    false,
  );
}
