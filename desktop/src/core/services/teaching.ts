import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Asset, CourseDetail } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type { ServerConnection } from '../server/connection.ts';
import { asCoreError, type SessionService } from './session.ts';
import { mediaInfoCache } from './teaching-media.ts';
import type {
  TeachAsset,
  TeachCourse,
  TeachCourseList,
  TeachLesson,
  TeachLimits,
  TeachUpload,
  TeachUploadKind,
  TeachUploadQuery,
} from '../../contracts/teaching.ts';
import { uploader, type UploaderTuning } from './uploader.ts';
import { contentApi, SignedOut } from './uploader-http.ts';
import { ServerUnreachable } from '../server/errors.ts';
import { uploadStore } from './uploader-store.ts';

const MiB = 1024 * 1024;

/** The server's default size limits (CONTENT_MAX_*_BYTES); a server configured lower still refuses at start. */
export const DEFAULT_TEACH_LIMITS: TeachLimits = {
  video: 4096 * MiB,
  slides: 200 * MiB,
  document: 200 * MiB,
};

export interface TeachingTuning extends UploaderTuning {
  limits?: Partial<TeachLimits>;
}

const OFFLINE =
  'Teaching needs the server, and it cannot be reached right now. Check your connection and try again.';

function formatBytes(n: number): string {
  return n >= 1024 * MiB ? `${(n / 1024 / MiB).toFixed(1)} GB` : `${Math.round(n / MiB)} MB`;
}

/** What a lesson of each kind takes from the Teach screen. */
const accepts = (kind: string): TeachUploadKind | null =>
  kind === 'video' ? 'video' : kind === 'slides' ? 'slides' : null;

/**
 * Teaching from the desktop (online only): the courses the signed-in instructor teaches, their lessons with the
 * files on the server, and uploads of new files (spooled under `<dataDir>/teach`, then sent by the uploader).
 * Who may do what is the server's decision: its refusals (403, 404, 413, 415) come through with their codes.
 */
export function teachingService(d: {
  dataDir: string;
  client: ServerConnection;
  session: SessionService;
  tuning?: TeachingTuning;
  onError?: (err: unknown) => void;
  /**
   * The lesson in this device's drafts (authoring/service.ts): 'on_server' once the server's draft has it,
   * 'on_device' while its creation waits in the outbox, null when the drafts do not have it.
   */
  draftLesson?: (courseId: string, lessonId: string) => 'on_server' | 'on_device' | null;
}) {
  const root = path.join(d.dataDir, 'teach');
  const store = uploadStore(path.join(root, 'uploads'));
  const api = contentApi(d.client, d.session);
  // A file for a lesson made offline waits (as for an unreachable server) until the lesson reached the server.
  const content: typeof api = {
    ...api,
    start: (courseId, body) =>
      body.lessonId && d.draftLesson?.(courseId, body.lessonId) === 'on_device'
        ? Promise.reject(
            new ServerUnreachable('The lesson is not on the server yet; the upload waits for it.'),
          )
        : api.start(courseId, body),
  };
  const media = mediaInfoCache(path.join(root, 'media'), content);
  const up = uploader({
    store,
    content,
    media,
    session: d.session,
    serverUrl: d.client.baseUrl,
    tuning: d.tuning,
    onError: d.onError,
  });
  const limits: TeachLimits = { ...DEFAULT_TEACH_LIMITS, ...d.tuning?.limits };

  async function server<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof SignedOut) throw new CoreError('signed_out', 'Sign in to teach');
      throw asCoreError(err, OFFLINE);
    }
  }

  function requireUser(): string {
    const id = d.session.currentUserId();
    if (!id) throw new CoreError('signed_out', 'Sign in to teach');
    return id;
  }

  function checkSize(kind: TeachUploadKind, size: number): void {
    if (size <= 0) throw new CoreError('validation_failed', 'The file is empty');
    if (size > limits[kind])
      throw new CoreError(
        'file_too_large',
        `This file is ${formatBytes(size)}; a ${kind} file may be at most ${formatBytes(limits[kind])}.`,
        { kind, limit: limits[kind], size },
      );
  }

  function teachAsset(a: Asset): TeachAsset {
    const info = a.kind === 'video' ? media.cached(a.id) : null;
    return {
      id: a.id,
      kind: a.kind,
      originalName: a.originalName,
      size: a.size,
      status: a.status,
      failureReason: a.failureReason,
      updatedAt: a.updatedAt,
      durationSeconds: info?.durationSeconds ?? null,
      posterUrl: info?.poster ? `/api/teach/assets/${a.id}/poster` : null,
    };
  }

  const lessonOf = (course: CourseDetail, lessonId: string) =>
    course.modules.flatMap((m) => m.lessons).find((l) => l.id === lessonId);

  return {
    limits,
    start: () => up.start(),
    close: () => up.close(),

    /** Courses the signed-in user teaches (any status), most recently changed first. */
    async courses(): Promise<TeachCourseList> {
      requireUser();
      up.resume();
      const items: TeachCourseList['items'] = [];
      let cursor: string | undefined;
      do {
        const page = await server(() => content.teaching(cursor));
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < 1000);
      return { items };
    },

    /** A course's modules and lessons, each with its files on the server and this device's latest upload. */
    async course(courseId: string): Promise<TeachCourse> {
      const userId = requireUser();
      up.resume();
      // The asset list is for the course's instructors and admins only: the server's 403 answers everyone else.
      const assets = await server(() => content.courseAssets(courseId));
      const detail = await server(() => content.course(courseId));
      const uploads = up.list(userId).filter((u) => u.courseId === courseId);
      // The newest ready video of a lesson gets its duration and poster (fetched once, then kept on disk).
      for (const l of detail.modules.flatMap((m) => m.lessons)) {
        const ready = assets.items
          .filter((a) => a.lessonId === l.id && a.kind === 'video' && a.status === 'ready')
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
        if (ready && !media.cached(ready.id)) await media.get(courseId, l.id, ready.id).catch(() => null);
      }
      const lesson = (l: CourseDetail['modules'][number]['lessons'][number]): TeachLesson => ({
        id: l.id,
        title: l.title,
        kind: l.kind,
        accepts: accepts(l.kind),
        assets: assets.items
          .filter((a) => a.lessonId === l.id)
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
          .map(teachAsset),
        upload:
          uploads
            .filter((u) => u.lessonId === l.id)
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] ?? null,
      });
      return {
        course: { id: detail.id, title: detail.title, status: detail.status },
        modules: detail.modules.map((m) => ({ id: m.id, title: m.title, lessons: m.lessons.map(lesson) })),
        limits,
      };
    },

    /**
     * Everything that can be checked before the bytes are sent: signed in, size within the limit, no upload of
     * this lesson under way, the lesson is the course's, and the server lets this user manage the course's files.
     */
    async check(courseId: string, q: TeachUploadQuery, size: number | null): Promise<string> {
      const userId = requireUser();
      if (size !== null) checkSize(q.kind, size);
      if (up.activeFor(userId, q.lessonId))
        throw new CoreError(
          'conflict',
          'A file for this lesson is still on its way. Wait for it or cancel it first.',
        );
      // A lesson of this device's drafts takes files offline too: they queue and attach when the server has it.
      const drafted = d.draftLesson?.(courseId, q.lessonId) ?? null;
      let detail: CourseDetail;
      try {
        await server(() => content.courseAssets(courseId));
        detail = await server(() => content.course(courseId));
      } catch (err) {
        if (drafted && err instanceof CoreError && (err.code === 'offline' || err.code === 'not_found'))
          return userId;
        throw err;
      }
      if (!lessonOf(detail, q.lessonId) && !drafted)
        throw new CoreError('validation_failed', 'The lesson is not part of this course', [
          { path: 'query.lessonId', message: 'not a lesson of the course' },
        ]);
      return userId;
    },

    /** Spool the body on disk (refusing more than the kind's limit) and start uploading it. */
    async receive(
      userId: string,
      courseId: string,
      q: TeachUploadQuery,
      body: Readable,
    ): Promise<TeachUpload> {
      let spooled: { id: string; size: number; sha256: string };
      try {
        spooled = await store.receive(body, limits[q.kind]);
      } catch (err) {
        if (err instanceof CoreError && err.code === 'file_too_large')
          throw new CoreError(
            'file_too_large',
            `This file is larger than the ${formatBytes(limits[q.kind])} a ${q.kind} file may be.`,
            { kind: q.kind, limit: limits[q.kind] },
          );
        throw err;
      }
      if (up.activeFor(userId, q.lessonId)) {
        store.remove(spooled.id);
        throw new CoreError(
          'conflict',
          'A file for this lesson is still on its way. Wait for it or cancel it first.',
        );
      }
      return up.add({ ...spooled, userId, courseId, lessonId: q.lessonId, kind: q.kind, name: q.name });
    },

    uploads: () => {
      up.resume();
      return { items: up.list(d.session.currentUserId()) };
    },
    upload: (id: string) => up.get(id, d.session.currentUserId()),
    retry: (id: string) => up.retry(id, d.session.currentUserId()),
    dismiss: (id: string) => up.dismiss(id, d.session.currentUserId()),

    /** The poster of a packaged video, as a file on this device (fetched from the server the first time). */
    async poster(assetId: string): Promise<string> {
      requireUser();
      const file = media.posterOf(assetId);
      if (fs.existsSync(file)) return file;
      const asset = await server(() => content.asset(assetId));
      if (asset.kind !== 'video' || asset.status !== 'ready' || !asset.lessonId)
        throw new CoreError('not_found', 'This file has no poster');
      const lessonId = asset.lessonId;
      const info = await server(() => media.get(asset.courseId, lessonId, assetId));
      if (!info?.poster || !fs.existsSync(file)) throw new CoreError('not_found', 'This file has no poster');
      return file;
    },
  };
}
export type TeachingService = ReturnType<typeof teachingService>;
