import { z } from 'zod';
import {
  Announcement,
  AnnouncementList,
  IsoDateTime,
  NotificationPreferences,
  type AnnouncementInput,
} from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type { CalendarView } from '../notifications-schemas.ts';
import { ServerUnreachable, type ServerClient } from '../server/client.ts';
import { asCoreError, type SessionService } from '../services/session.ts';
import type { SettingsRepo } from '../store/settings.ts';
import { rememberPreferences } from './preferences.ts';

/** The server's calendar link (GET /api/v1/me/calendar). */
const ServerCalendarLink = z.looseObject({
  url: z.string(),
  webcalUrl: z.string(),
  token: z.string(),
  expiresAt: IsoDateTime,
});

export const CALENDAR_DOWNLOAD = '/api/calendar.ics';

export interface OnlineDeps {
  client: ServerClient;
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
    return authed(
      (token) => d.client.request('GET', '/api/v1/me/calendar', { token, schema: ServerCalendarLink }),
      calendarOffline,
    );
  }

  const prefsPath = '/api/v1/me/notification-preferences';
  /** Kept on the device: reminders scheduled here follow them offline. */
  const remember = (p: NotificationPreferences) => {
    const userId = d.userId();
    if (userId) rememberPreferences(d.settings, userId, p);
    return p;
  };
  const announcementsPath = (courseId: string) =>
    `/api/v1/courses/${encodeURIComponent(courseId)}/announcements`;

  return {
    preferences: () =>
      authed(
        (token) => d.client.request('GET', prefsPath, { token, schema: NotificationPreferences }),
        'Notification settings are kept on the server, and it cannot be reached right now.',
      ).then(remember),
    putPreferences: (body: NotificationPreferences) =>
      authed(
        (token) => d.client.request('PUT', prefsPath, { token, body, schema: NotificationPreferences }),
        'Notification settings are saved on the server, and it cannot be reached right now. Try again when you are back online.',
      ).then(remember),
    announcements: (courseId: string) =>
      authed(
        (token) => d.client.request('GET', announcementsPath(courseId), { token, schema: AnnouncementList }),
        'Announcements are kept on the server, and it cannot be reached right now.',
      ),
    announce: (courseId: string, body: AnnouncementInput) =>
      authed(
        (token) =>
          d.client.request('POST', announcementsPath(courseId), { token, body, schema: Announcement }),
        'Sending an announcement needs the server, and it cannot be reached right now. Try again when you are back online.',
      ),
    async calendar(): Promise<CalendarView> {
      const l = await link();
      return { url: l.url, webcalUrl: l.webcalUrl, expiresAt: l.expiresAt, downloadPath: CALENDAR_DOWNLOAD };
    },
    /** The .ics file itself, read through the signed feed (the same file a calendar app subscribes to). */
    async calendarFile(): Promise<string> {
      const l = await link();
      const url = new URL(`${d.client.baseUrl}/api/v1/me/calendar.ics`);
      url.searchParams.set('token', l.token);
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      } catch (err) {
        throw asCoreError(new ServerUnreachable(String(err)), calendarOffline);
      }
      if (!res.ok) throw new CoreError('bad_gateway', `The server answered ${res.status} for the calendar`);
      return res.text();
    },
  };
}
export type NotificationsOnline = ReturnType<typeof notificationsOnline>;
