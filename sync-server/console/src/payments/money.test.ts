import { describe, expect, it } from 'vitest';
import { dayStart, minorDigits, parseMajor, toMajor } from './money.ts';
import { hrefOf, parseRoute } from './route.ts';

describe('console money helpers', () => {
  it('knows how many minor units a currency has', () => {
    expect([minorDigits('USD'), minorDigits('EUR'), minorDigits('JPY'), minorDigits('KWD')]).toEqual([
      2, 2, 0, 3,
    ]);
    expect(toMajor(1999, 'USD')).toBe(19.99);
    expect(toMajor(500, 'JPY')).toBe(500);
  });

  it('reads an amount typed with a dot or a comma, refusing anything else', () => {
    expect(parseMajor('12.50', 'USD')).toBe(1250);
    expect(parseMajor(' 12,5 ', 'EUR')).toBe(1250);
    expect(parseMajor('0.1', 'USD')).toBe(10);
    expect(parseMajor('1000', 'JPY')).toBe(1000);
    for (const bad of ['', '0', '0.00', '-5', '1e3', '12.5.1', 'abc', '$12'])
      expect(parseMajor(bad, 'USD')).toBeNull();
  });

  it('turns a date field into the start of that local day, or the next one', () => {
    const d = new Date(dayStart('2026-03-10')!);
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()]).toEqual([2026, 2, 10, 0]);
    expect(new Date(dayStart('2026-12-31', 1)!).getDate()).toBe(1);
    expect(dayStart('')).toBeNull();
    expect(dayStart('2026-02-30x')).toBeNull();
  });
});

describe('console routes', () => {
  it('reads the hash, defaulting to the dashboard and to the orders tab', () => {
    expect(parseRoute('')).toEqual({ section: 'analytics' });
    expect(parseRoute('#/')).toEqual({ section: 'analytics' });
    expect(parseRoute('#/payments')).toEqual({ section: 'payments', tab: 'orders', id: null });
    expect(parseRoute('#/payments/coupons')).toEqual({ section: 'payments', tab: 'coupons', id: null });
    expect(parseRoute('#/payments/nope')).toEqual({ section: 'payments', tab: 'orders', id: null });
    expect(parseRoute(hrefOf('orders', 'a b'))).toEqual({ section: 'payments', tab: 'orders', id: 'a b' });
  });
});
