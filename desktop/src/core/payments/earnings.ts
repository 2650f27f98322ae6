import { z } from 'zod';
import { IsoDateTime, TeachingEarnings } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type { ServerConnection } from '../server/connection.ts';
import { ServerContractError, ServerUnreachable } from '../server/errors.ts';
import { asCoreError, type SessionService } from '../services/session.ts';
import type { SettingsRepo } from '../store/settings.ts';
import type { EarningsQuery, EarningsRange, EarningsView } from '../../contracts/earnings.ts';

const DAY_MS = 86_400_000;
const DAYS: Record<EarningsRange, number> = { '7d': 7, '30d': 30, '90d': 90, '365d': 365 };
const OFFLINE =
  'Earnings come from the server, which cannot be reached right now, and none were fetched on this device yet.';

/** The copy kept per account and range (a settings entry: four ranges at most per account). */
const Copy = z.object({ earnings: TeachingEarnings, fetchedAt: IsoDateTime });
const copyKey = (userId: string, range: EarningsRange) => `teach.earnings:${userId}:${range}`;

export interface EarningsDeps {
  client: ServerConnection;
  session: SessionService;
  settings: SettingsRepo;
  clock?: () => Date;
}

/**
 * Teach's earnings (issue 13): the server's figures for the courses the signed-in instructor teaches, kept on the
 * device so the last copy shows, with the time it was fetched, when the server cannot be reached.
 */
export function teachingEarnings(d: EarningsDeps) {
  const clock = d.clock ?? (() => new Date());
  return {
    async get(q: EarningsQuery): Promise<EarningsView> {
      const userId = d.session.currentUserId();
      if (!userId) throw new CoreError('signed_out', 'Sign in to see your earnings');
      const now = clock();
      const range = q.last;
      try {
        const earnings = await d.session.withToken((token) => {
          if (!token) throw new CoreError('signed_out', 'Sign in again (online) to see your earnings');
          return d.client.call(
            'myTeachingEarnings',
            {
              query: {
                from: new Date(now.getTime() - DAYS[range] * DAY_MS).toISOString(),
                to: now.toISOString(),
              },
            },
            { token },
          );
        });
        const fetchedAt = clock().toISOString();
        d.settings.set(copyKey(userId, range), { earnings, fetchedAt });
        return { earnings, range, source: 'server', fetchedAt, ageSeconds: 0, offline: false };
      } catch (err) {
        if (err instanceof ServerContractError) throw new CoreError('bad_gateway', err.message);
        if (!(err instanceof ServerUnreachable)) throw asCoreError(err, OFFLINE);
        const copy = d.settings.get(copyKey(userId, range), Copy);
        if (!copy) throw new CoreError('offline', OFFLINE);
        return {
          earnings: copy.earnings,
          range,
          source: 'cache',
          fetchedAt: copy.fetchedAt,
          ageSeconds: Math.max(0, Math.round((clock().getTime() - Date.parse(copy.fetchedAt)) / 1000)),
          offline: true,
        };
      }
    },
  };
}
export type TeachingEarningsService = ReturnType<typeof teachingEarnings>;
