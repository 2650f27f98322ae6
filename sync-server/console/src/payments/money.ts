import { useCallback } from 'react';
import { useIntl } from 'react-intl';

/** Digits after the decimal point of a currency (USD 2, JPY 0), as Intl knows it. */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** Minor units → major units (1999 USD → 19.99). */
export const toMajor = (minor: number, currency: string) => minor / 10 ** minorDigits(currency);

/** What an admin typed ("12.50" or "12,50") in minor units; null unless a positive amount. */
export function parseMajor(text: string, currency: string): number | null {
  const s = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  const minor = Math.round(Number(s) * 10 ** minorDigits(currency));
  return minor > 0 ? minor : null;
}

/** Money in the console's language: formatMoney(1999, 'USD') → "$19.99". */
export function useMoney() {
  const intl = useIntl();
  return useCallback(
    (minor: number, currency: string) =>
      intl.formatNumber(toMajor(minor, currency), { style: 'currency', currency }),
    [intl],
  );
}

/** A date-time in the console's language. */
export function useWhen() {
  const intl = useIntl();
  return useCallback(
    (iso: string | null) => (iso ? intl.formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' }) : '—'),
    [intl],
  );
}

/** The start of a local day typed in a date field, as an instant (null when empty or invalid). */
export function dayStart(date: string, plusDays = 0): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const d = new Date(`${date}T00:00:00`);
  if (Number.isNaN(d.getTime())) return null;
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}
