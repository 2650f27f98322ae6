import { z } from 'zod';
import { LocalErrorBody } from '../../contracts/app.ts';
import { TeachCourse, TeachCourseList, TeachUpload, type TeachUploadKind } from '../../contracts/teaching.ts';
import { ApiFailure, call } from './api.ts';

const enc = encodeURIComponent;

export interface SendTarget {
  courseId: string;
  lessonId: string;
  kind: TeachUploadKind;
}

/**
 * Send a file to the core as the raw body of one request (the core keeps a copy and uploads it to the server in
 * checksummed chunks). XMLHttpRequest, because fetch cannot report upload progress.
 */
function sendFile(
  t: SendTarget,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Promise<TeachUpload> {
  const query = new URLSearchParams({ lessonId: t.lessonId, kind: t.kind, name: file.name || 'file' });
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/teach/courses/${enc(t.courseId)}/uploads?${query}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () =>
      reject(new ApiFailure(0, 'core_unreachable', "The app's background service stopped. Restart Lyceum."));
    xhr.onabort = () => reject(new ApiFailure(0, 'aborted', 'The upload was cancelled.'));
    xhr.onload = () => {
      let json: unknown = null;
      try {
        json = JSON.parse(xhr.responseText) as unknown;
      } catch {
        json = null;
      }
      if (xhr.status === 202) {
        const ok = TeachUpload.safeParse(json);
        if (ok.success) return resolve(ok.data);
      }
      const e = LocalErrorBody.safeParse(json);
      reject(
        e.success
          ? new ApiFailure(xhr.status, e.data.error.code, e.data.error.message)
          : new ApiFailure(xhr.status, 'internal', `Unexpected answer (${xhr.status})`),
      );
    };
    xhr.send(file);
  });
}

/** The Teach screens' calls to the local API. */
export const teachApi = {
  courses: () => call(TeachCourseList, 'GET', '/api/teach/courses'),
  course: (id: string) => call(TeachCourse, 'GET', `/api/teach/courses/${enc(id)}`),
  /** Checks before any byte is sent: size limit, who may upload, the lesson. */
  check: (t: SendTarget, file: File) =>
    call(
      z.object({ ok: z.literal(true) }),
      'GET',
      `/api/teach/courses/${enc(t.courseId)}/uploads/check?${new URLSearchParams({
        lessonId: t.lessonId,
        kind: t.kind,
        name: file.name || 'file',
        size: String(file.size),
      })}`,
    ),
  send: sendFile,
  upload: (id: string) => call(TeachUpload, 'GET', `/api/teach/uploads/${enc(id)}`),
  retry: (id: string) => call(TeachUpload, 'POST', `/api/teach/uploads/${enc(id)}/retry`),
  dismiss: (id: string) => call(z.null(), 'DELETE', `/api/teach/uploads/${enc(id)}`),
};
