import type pg from 'pg';
import { ApiError } from '../../http/errors.ts';

/** Devices: one installation of the app for one user; a device id is bound to the first account that used it. */
export function deviceService(pool: pg.Pool) {
  return {
    /** Record that the device was seen; 403 when the id belongs to another account. */
    async touch(deviceId: string, userId: string, pulledSeq?: number | null): Promise<void> {
      const r = await pool.query(
        `INSERT INTO devices (id, user_id, last_pull_seq) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET last_seen = now(), last_pull_seq = coalesce($3, devices.last_pull_seq)
         WHERE devices.user_id = $2
         RETURNING id`,
        [deviceId, userId, pulledSeq ?? null],
      );
      if (r.rowCount === 0)
        throw new ApiError('forbidden', 'This device is registered to another account; sign in again on it');
    },
  };
}
