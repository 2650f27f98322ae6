import { useIntl } from 'react-intl';

/** How many minor units make one major unit of a currency (100 for EUR, 1 for JPY). */
export function minorPerMajor(currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits;
  return 10 ** (digits ?? 2);
}

/** Integer minor units as the student's language writes that currency ("1 234,50 €"). */
export function useMoney() {
  const intl = useIntl();
  return (amountMinor: number, currency: string) =>
    intl.formatNumber(amountMinor / minorPerMajor(currency), { style: 'currency', currency });
}
