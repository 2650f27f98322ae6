import { defaultNotificationPreferences } from '@lyceum/contracts';
import { signUnsubscribe } from '../../src/modules/notifications/tokens.ts';
import type { Case, World } from './matrix.ts';
import { adminOnly, everyone, ownerOrAdmin, signedIn } from './matrix.ts';

/** An unsubscribe link's token for the student (the capability is the token: no sign-in). */
const token = (w: World) =>
  signUnsubscribe(w.t.server.config.JWT_SECRET!, { userId: w.accounts.student.id, type: 'course_updated' });

const announcement = { title: 'Room change', body: 'Lab 2 **moves** to room 7.' };

export const notificationsCases: Record<string, Case> = {
  listMyNotifications: { request: () => ({ query: { limit: '5' } }), expect: signedIn(200) },
  markNotificationsRead: { request: () => ({ body: { all: true } }), expect: signedIn(200) },
  getNotificationPreferences: { request: () => ({}), expect: signedIn(200) },
  putNotificationPreferences: {
    request: () => ({ body: defaultNotificationPreferences }),
    expect: signedIn(200),
  },
  // Instructors-level route; the course's own instructors (and admins) only.
  createCourseAnnouncement: {
    request: (w) => ({ params: { id: w.course.id }, body: announcement }),
    expect: ownerOrAdmin(201),
  },
  listCourseAnnouncements: { request: (w) => ({ params: { id: w.course.id } }), expect: ownerOrAdmin(200) },
  createPlatformAnnouncement: {
    request: () => ({ body: { ...announcement, role: 'admin' } }),
    expect: adminOnly(201),
  },
  listPlatformAnnouncements: { request: () => ({}), expect: adminOnly(200) },
  listFailedDeliveries: { request: () => ({}), expect: adminOnly(200) },
  listEmailDeliveries: { request: () => ({ query: { status: 'sent' } }), expect: adminOnly(200) },
  retryFailedDeliveries: {
    request: () => ({ body: { ids: ['0190c5c4-0000-7000-8000-000000000000'] } }),
    expect: adminOnly(200),
  },
  unsubscribePage: { request: (w) => ({ query: { token: token(w) } }), expect: everyone(200) },
  unsubscribe: { request: (w) => ({ query: { token: token(w) } }), expect: everyone(200) },
};
