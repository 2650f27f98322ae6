import { defaultNotificationPreferences, NotificationPreferences } from '@lyceum/contracts';
import type { SettingsRepo } from '../store/settings.ts';

/** The student's notification settings as last read from or saved to the server (kept for offline reminders). */
const key = (userId: string) => `notifications.preferences.${userId}`;

export function rememberPreferences(
  settings: SettingsRepo,
  userId: string,
  p: NotificationPreferences,
): void {
  settings.set(key(userId), p);
}

export function knownPreferences(settings: SettingsRepo, userId: string): NotificationPreferences {
  return settings.get(key(userId), NotificationPreferences) ?? defaultNotificationPreferences;
}

/**
 * Whether the student wants an OS notification the device makes itself (a deadline reminder): its type's push choice
 * is on and the course is not muted — from the settings this device last saw (the defaults until then).
 */
export function wantsDeviceAlert(
  settings: SettingsRepo,
  userId: string,
  type: 'deadline_upcoming',
  courseId: string,
): boolean {
  const p = knownPreferences(settings, userId);
  return p.types[type].push !== 'off' && !p.mutedCourses.includes(courseId);
}
