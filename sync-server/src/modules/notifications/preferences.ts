import type pg from 'pg';
import { defaultNotificationPreferences, NotificationKind, NotificationPreferences } from '@lyceum/contracts';

/** Stored settings over the defaults: a type or field not stored takes the default (so new types get sensible ones). */
export function mergePreferences(stored: unknown): NotificationPreferences {
  const d = defaultNotificationPreferences;
  const s = NotificationPreferences.partial().safeParse(stored);
  const v = s.success ? s.data : {};
  const types = { ...d.types };
  for (const k of NotificationKind.options) if (v.types?.[k]) types[k] = { ...d.types[k], ...v.types[k] };
  return {
    types,
    mutedCourses: v.mutedCourses ?? d.mutedCourses,
    quietHours: v.quietHours === undefined ? d.quietHours : v.quietHours,
    timezone: v.timezone ?? d.timezone,
  };
}

/** Each user's notification preferences (table notification_settings; fan-out reads them in SQL). */
export function preferenceService(pool: pg.Pool) {
  return {
    async get(userId: string): Promise<NotificationPreferences> {
      const { rows } = await pool.query<{ settings: unknown; tz: string | null }>(
        `SELECT s.settings, u.preferences->>'timezone' AS tz FROM users u
         LEFT JOIN notification_settings s ON s.user_id = u.id WHERE u.id = $1`,
        [userId],
      );
      const prefs = mergePreferences(rows[0]?.settings ?? {});
      // Nothing stored yet: the account's time zone when it names one (not "system").
      const tz = rows[0]?.tz;
      if (
        !rows[0]?.settings &&
        tz &&
        tz !== 'system' &&
        NotificationPreferences.shape.timezone.safeParse(tz).success
      )
        prefs.timezone = tz;
      return prefs;
    },

    async put(userId: string, prefs: NotificationPreferences): Promise<NotificationPreferences> {
      const value = { ...prefs, mutedCourses: [...new Set(prefs.mutedCourses)] };
      await pool.query(
        `INSERT INTO notification_settings (user_id, settings) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
        [userId, JSON.stringify(value)],
      );
      return value;
    },

    /** One-click unsubscribe: that type's email off, everything else kept. */
    async emailOff(userId: string, type: NotificationKind): Promise<void> {
      const prefs = await this.get(userId);
      prefs.types[type] = { ...prefs.types[type], email: 'off' };
      await this.put(userId, prefs);
      // Emails of that type still waiting (digest items, deferred by quiet hours) are not sent either.
      await pool.query(
        `UPDATE notification_emails e SET status = 'cancelled' FROM notifications n
         WHERE e.notification_id = n.id AND e.user_id = $1 AND n.type = $2 AND e.status = 'pending'`,
        [userId, type],
      );
    },
  };
}
export type PreferenceService = ReturnType<typeof preferenceService>;
