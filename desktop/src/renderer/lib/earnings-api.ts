import { EarningsView, type EarningsRange } from '../../contracts/earnings.ts';
import { call } from './api.ts';

/** Teach → Earnings through the local API (the last copy fetched when the server cannot be reached). */
export const earningsApi = {
  get: (last: EarningsRange) =>
    call(EarningsView, 'GET', `/api/teach/earnings?last=${encodeURIComponent(last)}`),
};
