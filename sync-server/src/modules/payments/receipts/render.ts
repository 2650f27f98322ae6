/** What a receipt shows. */
export interface ReceiptFacts {
  orderId: string;
  status: string;
  courseTitle: string;
  buyerName: string;
  buyerEmail: string;
  listAmountMinor: number;
  amountMinor: number;
  refundedMinor: number;
  currency: string;
  couponCode: string | null;
  gateway: string;
  paymentIntentId: string | null;
  paidAt: Date;
  issuer: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const formats = new Map<string, Intl.NumberFormat>();

/** Minor units in the currency's own number of decimals (JPY none, USD two, …), in English. */
export function formatMoney(minor: number, currency: string): string {
  // A formatter per currency, made once (making one costs far more than formatting: bench:payments' receipts).
  let f = formats.get(currency);
  if (!f) formats.set(currency, (f = new Intl.NumberFormat('en', { style: 'currency', currency })));
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

function lines(r: ReceiptFacts): [string, string][] {
  const out: [string, string][] = [['Course', r.courseTitle]];
  if (r.listAmountMinor !== r.amountMinor) {
    out.push(['Price', formatMoney(r.listAmountMinor, r.currency)]);
    out.push([
      r.couponCode ? `Discount (coupon ${r.couponCode})` : 'Discount',
      `−${formatMoney(r.listAmountMinor - r.amountMinor, r.currency)}`,
    ]);
  }
  out.push(['Total paid', formatMoney(r.amountMinor, r.currency)]);
  if (r.refundedMinor > 0) out.push(['Refunded', `−${formatMoney(r.refundedMinor, r.currency)}`]);
  return out;
}

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** A standalone, accessible HTML page (landmarks, a table with headers, no scripts). */
export function receiptHtml(r: ReceiptFacts): string {
  const rows = lines(r)
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('\n          ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Receipt for ${esc(r.courseTitle)} — ${esc(r.issuer)}</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
      table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
      th, td { text-align: left; padding: .5rem; border-bottom: 1px solid #767676; }
      td { text-align: right; }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
      dt { font-weight: 600; }
      @media print { body { margin: 0; } }
    </style>
  </head>
  <body>
    <header><p>${esc(r.issuer)}</p></header>
    <main>
      <h1>Receipt</h1>
      <dl>
        <dt>Order</dt><dd>${esc(r.orderId)}</dd>
        <dt>Date</dt><dd><time datetime="${r.paidAt.toISOString()}">${esc(when(r.paidAt))}</time></dd>
        <dt>Billed to</dt><dd>${esc(r.buyerName)} (${esc(r.buyerEmail)})</dd>
        <dt>Status</dt><dd>${esc(r.status.replace('_', ' '))}</dd>
        <dt>Paid with</dt><dd>${esc(r.gateway === 'none' ? 'coupon (nothing to pay)' : r.gateway)}${r.paymentIntentId ? ` — ${esc(r.paymentIntentId)}` : ''}</dd>
      </dl>
      <table>
        <caption>Amounts in ${esc(r.currency)}</caption>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </main>
    <footer><p>Keep this receipt for your records.</p></footer>
  </body>
</html>
`;
}

export function receiptText(r: ReceiptFacts): string {
  return [
    `${r.issuer} — receipt`,
    '',
    `Order: ${r.orderId}`,
    `Date: ${when(r.paidAt)}`,
    `Billed to: ${r.buyerName} (${r.buyerEmail})`,
    ...lines(r).map(([k, v]) => `${k}: ${v}`),
    '',
    'Keep this receipt for your records.',
  ].join('\n');
}
