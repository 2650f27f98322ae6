import type { NotificationPreferences, AnnouncementInput } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type { CalendarView } from '../../contracts/notifications.ts';
import type { ServerConnection } from '../server/connection.ts';
import { ServerError } from '../server/errors.ts';
import { asCoreError, type SessionService } from '../services/session.ts';
import type { SettingsRepo } from '../store/settings.ts';
import { rememberPreferences } from './preferences.ts';

export const CALENDAR_DOWNLOAD = '/api/calendar.ics';

export interface OnlineDeps {
  client: ServerConnection;
  session: SessionService;
  settings: SettingsRepo;
  /** The signed-in user (null when nobody is). */
  userId: () => string | null;
}

/**
 * The parts of notifications that live on the server: the calendar feed, notification preferences, a course's
 * announcements. Online only (`offline` otherwise).
 */
export function notificationsOnline(d: OnlineDeps) {
  async function authed<T>(call: (token: string) => Promise<T>, offlineMessage: string): Promise<T> {
    try {
      return await d.session.withToken((token) => {
        if (!token) throw new CoreError('signed_out', 'Sign in again (online) to do this.');
        return call(token);
      });
    } catch (err) {
      throw asCoreError(err, offlineMessage);
    }
  }
  const calendarOffline = 'The calendar comes from the server, and it cannot be reached right now.';

  async function link() {
    return authed((token) => d.client.call('getCalendarLink', {}, { token }), calendarOffline);
  }

  /** Kept on the device: reminders scheduled here follow them offline. */
  const remember = (p: NotificationPreferences) => {
    const userId = d.userId();
    if (userId) rememberPreferences(d.settings, userId, p);
    return p;
  };

  return {
    preferences: () =>
      authed(
        (token) => d.client.call('getNotificationPreferences', {}, { token }),
        'Notification settings are kept on the server, and it cannot be reached right now.',
      ).then(remember),
    putPreferences: (body: NotificationPreferences) =>
      authed(
        (token) => d.client.call('putNotificationPreferences', { body }, { token }),
        'Notification settings are saved on the server, and it cannot be reached right now. Try again when you are back online.',
      ).then(remember),
    announcements: (courseId: string) =>
      authed(
        (token) => d.client.call('listCourseAnnouncements', { params: { id: courseId } }, { token }),
        'Announcements are kept on the server, and it cannot be reached right now.',
      ),
    announce: (courseId: string, body: AnnouncementInput) =>
      authed(
        (token) => d.client.call('createCourseAnnouncement', { params: { id: courseId }, body }, { token }),
        'Sending an announcement needs the server, and it cannot be reached right now. Try again when you are back online.',
      ),
    async calendar(): Promise<CalendarView> {
      const l = await link();
      return { url: l.url, webcalUrl: l.webcalUrl, expiresAt: l.expiresAt, downloadPath: CALENDAR_DOWNLOAD };
    },
    /** The .ics file itself, read through the signed feed (the same file a calendar app subscribes to). */
    async calendarFile(): Promise<string> {
      const l = await link();
      const res = await d.client
        .send('getCalendarFeed', { query: { token: l.token } }, { timeoutMs: 10_000 })
        .catch((err: unknown) => {
          if (err instanceof ServerError)
            throw new CoreError('bad_gateway', `The server answered ${err.status} for the calendar`);
          throw asCoreError(err, calendarOffline);
        });
      return res.text();
    },
  };
}
export type NotificationsOnline = ReturnType<typeof notificationsOnline>;
