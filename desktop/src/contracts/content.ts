import { z } from 'zod';
import { AssetKind, WatchedInterval } from '@lyceum/contracts';

/** The local API of offline media: download progress, lesson media and video watching. */

/** queued/downloading: work left; paused: the student paused it; failed: some file gave up; done: all stored. */
export const CourseDownloadState = z.enum(['downloading', 'paused', 'failed', 'done', 'empty']);
export type CourseDownloadState = z.infer<typeof CourseDownloadState>;

const counts = {
  bytesTotal: z.number().int(),
  bytesDone: z.number().int(),
  files: z.number().int(),
  filesDone: z.number().int(),
  filesFailed: z.number().int(),
};

export const LessonProgress = z.object({
  lessonId: z.string(),
  ...counts,
  /** The reasons of failed files (first few). */
  errors: z.array(z.string()),
});
export type LessonProgress = z.infer<typeof LessonProgress>;

export const CourseProgress = z.object({
  courseId: z.string(),
  state: CourseDownloadState,
  ...counts,
  lessons: z.array(LessonProgress),
});
export type CourseProgress = z.infer<typeof CourseProgress>;

/**
 * New or changed content of a lesson of an offline copy (the server's manifest against the stored files): waiting (not
 * downloaded: held for an unmetered connection), downloading, or done (stored; its notice not dismissed yet).
 */
export const LessonUpdate = z.object({
  lessonId: z.string(),
  state: z.enum(['waiting', 'downloading', 'done']),
  files: z.number().int(),
  bytes: z.number().int(),
  /** Kinds of the new or changed files (video, slides, …). */
  kinds: z.array(AssetKind),
  detectedAt: z.string(),
  doneAt: z.string().nullable(),
});
export type LessonUpdate = z.infer<typeof LessonUpdate>;

/** A course's offline copy as the download panel shows it. */
export const CourseDownload = CourseProgress.extend({
  /** Bytes the copy takes on disk now (finished and partial files). */
  diskBytes: z.number().int(),
  /** Lessons with new content (waiting, downloading, or stored and not yet acknowledged). */
  updates: z.array(LessonUpdate),
  /** Downloads of new content are held now ("only on Wi-Fi" and a metered connection). */
  updatesHeld: z.boolean(),
});
export type CourseDownload = z.infer<typeof CourseDownload>;

export const DownloadList = z.object({
  courses: z.array(CourseDownload),
  /** Every offline copy together. */
  totalDiskBytes: z.number().int(),
  /** Free space on the disk that holds them (null when unknown). */
  freeBytes: z.number().nullable(),
});
export type DownloadList = z.infer<typeof DownloadList>;

export const VerifyResult = z.object({
  /** Files that were missing or damaged: deleted and queued again. */
  requeued: z.array(z.string()),
  /** The stored files were compared with the server's current manifests (false: the server could not be reached). */
  serverChecked: z.boolean(),
  /** Lessons whose content on the server is newer than the stored copy (now downloading, or waiting). */
  updates: z.array(LessonUpdate),
  download: CourseDownload,
});

/** "New content in <course>: <lesson> — downloaded for offline use", until the student dismisses it. */
export const OfflineNotice = z.object({
  courseId: z.string(),
  courseTitle: z.string(),
  lessonId: z.string(),
  lessonTitle: z.string(),
  kinds: z.array(AssetKind),
  bytes: z.number().int(),
  doneAt: z.string(),
});
export type OfflineNotice = z.infer<typeof OfflineNotice>;
export const OfflineNotices = z.object({ notices: z.array(OfflineNotice) });
export type OfflineNotices = z.infer<typeof OfflineNotices>;

/** Where a lesson's files stand on this device (for what the lesson screen says). */
export const LessonOffline = z.object({
  /** The course is kept on this device ("Available offline" is on). */
  kept: z.boolean(),
  /**
   * stored: every file of the lesson is here; downloading: on their way; waiting: new content found, held for an
   * unmetered connection; paused / failed: the download was paused or gave up; missing: not here yet.
   */
  state: z.enum(['stored', 'downloading', 'waiting', 'paused', 'failed', 'missing']),
  bytesDone: z.number().int(),
  bytesTotal: z.number().int(),
});
export type LessonOffline = z.infer<typeof LessonOffline>;
export type VerifyResult = z.infer<typeof VerifyResult>;

/** One file of a lesson the app can show: URLs of the local API, whether it is on this device. */
export const MediaAsset = z.object({
  assetId: z.string(),
  kind: AssetKind,
  name: z.string(),
  /** What to open: the HLS master playlist of a video, else the file (served by the local API). */
  url: z.string(),
  /** The poster image of a video, when there is one. */
  posterUrl: z.string().nullable(),
  contentType: z.string(),
  /** Every file of it is stored on this device (it works without a connection). */
  stored: z.boolean(),
});
export type MediaAsset = z.infer<typeof MediaAsset>;

export const LessonMedia = z.object({
  courseId: z.string(),
  lessonId: z.string(),
  /** Where the list came from: the server's manifest, or (offline) what is stored on this device. */
  source: z.enum(['server', 'device']),
  assets: z.array(MediaAsset),
  /** Files of the lesson the server is still packaging (a video right after its upload); 0 offline. */
  preparing: z.number().int().nonnegative(),
  offline: LessonOffline,
});
export type LessonMedia = z.infer<typeof LessonMedia>;

/** A lesson's video counts as watched (and the lesson as completed) from this share of its duration. */
export const WATCHED_TO_COMPLETE = 0.9;

const Seconds = z.number().min(0).max(604_800);

/** What the player reports: where it is, what it played since the last report, and how long the video is. */
export const WatchBody = z
  .object({
    positionSeconds: Seconds,
    watchedIntervals: z.array(WatchedInterval).max(1000).default([]),
    durationSeconds: z.number().positive().max(604_800),
  })
  .strict();
export type WatchBody = z.infer<typeof WatchBody>;

/** The merged watching state of a lesson on this device (pending changes included). */
export const WatchState = z.object({
  lessonId: z.string(),
  positionSeconds: z.number().nullable(),
  watchedIntervals: z.array(z.tuple([z.number(), z.number()])),
  watchedSeconds: z.number(),
  completed: z.boolean(),
});
export type WatchState = z.infer<typeof WatchState>;

export const MediaParams = z.object({ courseId: z.uuid(), '*': z.string().min(1).max(2048) }).strict();
export const DownloadParams = z.object({ id: z.uuid() }).strict();
