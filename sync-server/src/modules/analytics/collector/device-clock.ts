import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { newId } from '../../../lib/ids.ts';
import { deviceUploads } from './tables.ts';

export interface UploadRecord {
  userId: string;
  deviceId: string;
  sentAt: Date;
  receivedAt: Date;
  skewMs: number;
  statements: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * Device clock skew = server receive time − device send time (positive: the device is behind). It also holds the
 * network transit time, which is small beside the skews that matter (a laptop whose clock is minutes or days off).
 */
export const estimateSkewMs = (receivedAt: Date, sentAt: string): number =>
  Math.round(receivedAt.getTime() - Date.parse(sentAt));

/** Each desktop upload with the skew estimated from it, per account and device. */
export function deviceClock(db: Db) {
  return {
    async record(u: UploadRecord): Promise<void> {
      await db.insert(deviceUploads).values({ id: newId(), ...u });
    },
    /** The latest uploads of a device, newest first. */
    async recent(userId: string, deviceId: string, limit = 20) {
      return db
        .select()
        .from(deviceUploads)
        .where(and(eq(deviceUploads.userId, userId), eq(deviceUploads.deviceId, deviceId)))
        .orderBy(desc(deviceUploads.receivedAt))
        .limit(limit);
    },
  };
}
export type DeviceClock = ReturnType<typeof deviceClock>;
