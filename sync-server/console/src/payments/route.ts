import { useEffect, useState } from 'react';

/** The console's places, in the URL's hash (#/payments/orders/<id>), so the server serves one page at /admin/. */
export const PAYMENT_TABS = ['orders', 'coupons', 'vouchers', 'revenue', 'reconciliation'] as const;
export type PaymentTab = (typeof PAYMENT_TABS)[number];

export type ConsoleRoute =
  { section: 'analytics' } | { section: 'payments'; tab: PaymentTab; id: string | null };

export function parseRoute(hash: string): ConsoleRoute {
  const [section, tab, id] = hash.replace(/^#\/?/, '').split('/');
  if (section !== 'payments') return { section: 'analytics' };
  const known = PAYMENT_TABS.find((t) => t === tab) ?? 'orders';
  return { section: 'payments', tab: known, id: id ? decodeURIComponent(id) : null };
}

export const hrefOf = (tab: PaymentTab, id?: string) =>
  `#/payments/${tab}${id ? `/${encodeURIComponent(id)}` : ''}`;

export function useRoute(): ConsoleRoute {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
