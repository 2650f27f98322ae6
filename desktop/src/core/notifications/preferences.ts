import type { LocalDb } from '../store/open.ts';
import { readPreferences } from '../sync/local-state.ts';

/** The preference group of each notification type in the synced preferences. */
const GROUP: Record<string, 'course_updates' | 'deadlines' | 'grades' | 'enrollment' | 'announcements'> = {
  deadline_upcoming: 'deadlines',
  content_released: 'course_updates',
  course_updated: 'course_updates',
  grade_posted: 'grades',
  enrollment_confirmed: 'enrollment',
  announcement: 'announcements',
};

/** Whether the student wants OS notifications of a type the device makes itself (their synced preferences). */
export function wantsDeviceAlert(db: LocalDb, type: string): boolean {
  const group = GROUP[type];
  if (!group) return true;
  return readPreferences(db).notifications[group]?.push ?? true;
}
