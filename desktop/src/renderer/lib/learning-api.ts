import type { z } from 'zod';
import { Preferences } from '@lyceum/contracts';
import {
  CourseDownload,
  DownloadList,
  LessonMedia,
  LessonOffline,
  OfflineNotices,
  VerifyResult,
  WatchState,
  type WatchBody,
} from '../../contracts/content.ts';
import {
  LearningList,
  StudyCourse,
  StudyLesson,
  UnenrollResult,
  type AttemptBody,
} from '../../contracts/learning.ts';
import { SyncStatus } from '../../contracts/sync-status.ts';
import {
  DownloadSettingsView,
  type DownloadSettings,
  type NetworkReport,
} from '../../contracts/downloads.ts';
import { call } from './api.ts';

const enc = encodeURIComponent;

/** Tell the sync indicator at once that something changed locally (it also polls). */
export const LOCAL_CHANGE = 'lyceum:local-change';
function changed<T>(p: Promise<T>): Promise<T> {
  return p.then((v) => {
    dispatchEvent(new Event(LOCAL_CHANGE));
    return v;
  });
}
const lessonPath = (courseId: string, lessonId: string) =>
  `/api/learning/${enc(courseId)}/lessons/${enc(lessonId)}`;

/** Offline study and sync calls of the local API. */
export const learningApi = {
  sync: () => call(SyncStatus, 'GET', '/api/sync'),
  syncNow: () => call(SyncStatus, 'POST', '/api/sync'),
  dismiss: (id: string) => call(SyncStatus, 'POST', `/api/sync/rejected/${enc(id)}/dismiss`),
  list: () => call(LearningList, 'GET', '/api/learning'),
  course: (id: string) => call(StudyCourse, 'GET', `/api/learning/${enc(id)}`),
  enroll: (id: string) => changed(call(StudyCourse, 'POST', `/api/learning/${enc(id)}/enroll`)),
  unenroll: (id: string) => changed(call(UnenrollResult, 'POST', `/api/learning/${enc(id)}/unenroll`)),
  setOffline: (id: string, enabled: boolean) =>
    changed(call(StudyCourse, 'PUT', `/api/learning/${enc(id)}/offline`, { enabled })),
  lesson: (courseId: string, lessonId: string) => call(StudyLesson, 'GET', lessonPath(courseId, lessonId)),
  complete: (courseId: string, lessonId: string) =>
    changed(call(StudyLesson, 'POST', `${lessonPath(courseId, lessonId)}/complete`)),
  submitAttempt: (courseId: string, lessonId: string, body: AttemptBody) =>
    changed(call(StudyLesson, 'POST', `${lessonPath(courseId, lessonId)}/attempts`, body)),
  lessonMedia: (courseId: string, lessonId: string) =>
    call(LessonMedia, 'GET', `${lessonPath(courseId, lessonId)}/media`),
  /** Where a lesson's files stand on this device (local only: cheap to poll). */
  lessonOffline: (courseId: string, lessonId: string) =>
    call(LessonOffline, 'GET', `${lessonPath(courseId, lessonId)}/offline`),
  watchState: (courseId: string, lessonId: string) =>
    call(WatchState, 'GET', `${lessonPath(courseId, lessonId)}/watch`),
  watch: (courseId: string, lessonId: string, body: WatchBody) =>
    changed(call(WatchState, 'POST', `${lessonPath(courseId, lessonId)}/watch`, body)),
  /** A report when the page goes away (or hides): a request that outlives the page. */
  watchOnExit: (courseId: string, lessonId: string, body: WatchBody): Promise<WatchState | null> =>
    fetch(`${lessonPath(courseId, lessonId)}/watch`, {
      method: 'POST',
      keepalive: true,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
      .then(async (res) => (res.ok ? WatchState.parse(await res.json()) : null))
      .catch(() => null),
  downloads: () => call(DownloadList, 'GET', '/api/downloads'),
  download: (courseId: string) => call(CourseDownload, 'GET', `/api/downloads/${enc(courseId)}`),
  pauseDownload: (courseId: string) => call(CourseDownload, 'POST', `/api/downloads/${enc(courseId)}/pause`),
  resumeDownload: (courseId: string) =>
    call(CourseDownload, 'POST', `/api/downloads/${enc(courseId)}/resume`),
  verifyDownload: (courseId: string) => call(VerifyResult, 'POST', `/api/downloads/${enc(courseId)}/verify`),
  removeDownload: (courseId: string) =>
    changed(call(CourseDownload, 'DELETE', `/api/downloads/${enc(courseId)}`)),
  /** "Download now": new content of an offline copy, even on a metered connection. */
  updateDownload: (courseId: string) =>
    call(CourseDownload, 'POST', `/api/downloads/${enc(courseId)}/update`),
  offlineNotices: () => call(OfflineNotices, 'GET', '/api/downloads/notices'),
  dismissOfflineNotices: (courseId: string) =>
    call(OfflineNotices, 'POST', `/api/downloads/${enc(courseId)}/notices/dismiss`),
  downloadSettings: () => call(DownloadSettingsView, 'GET', '/api/downloads/settings'),
  putDownloadSettings: (s: DownloadSettings) =>
    call(DownloadSettingsView, 'PUT', '/api/downloads/settings', s),
  reportNetwork: (r: NetworkReport) => call(DownloadSettingsView, 'PUT', '/api/downloads/network', r),
  preferences: () => call(Preferences, 'GET', '/api/preferences'),
  putPreferences: (p: z.infer<typeof Preferences>) =>
    changed(call(Preferences, 'PUT', '/api/preferences', p)),
};
