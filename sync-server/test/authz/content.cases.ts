import type { Case, World } from './matrix.ts';
import { ownerOrAdmin } from './matrix.ts';

/** Content uploads and assets belong to the course's instructors (and admins); lesson content to its readers. */
const startBody = (size = 100) => ({
  kind: 'document' as const,
  name: 'notes.pdf',
  size,
  sha256: '0'.repeat(64),
});
const ownerUpload = (w: World) =>
  w.t.server.content.uploads.start({ id: w.accounts.owner.id, role: 'instructor' }, w.course.id, startBody());

export const contentCases: Record<string, Case> = {
  startUpload: {
    request: (w) => ({ params: { id: w.course.id }, body: startBody() }),
    expect: ownerOrAdmin(201),
  },
  getUpload: {
    request: async (w) => ({ params: { id: (await ownerUpload(w)).id } }),
    expect: ownerOrAdmin(200),
  },
  // No bytes sent: the owner passes the checks and is told the chunk is short.
  putUploadChunk: {
    request: async (w) => ({ params: { id: (await ownerUpload(w)).id, index: '0' } }),
    expect: ownerOrAdmin(400),
  },
  completeUpload: {
    request: async (w) => ({ params: { id: (await ownerUpload(w)).id } }),
    expect: ownerOrAdmin(409),
  },
  listCourseAssets: { request: (w) => ({ params: { id: w.course.id } }), expect: ownerOrAdmin(200) },
  getAsset: {
    request: async (w) => ({ params: { id: (await ownerUpload(w)).assetId } }),
    expect: ownerOrAdmin(200),
  },
  attachAsset: {
    request: async (w) => ({
      params: { id: (await ownerUpload(w)).assetId },
      body: { lessonId: w.course.lessonId },
    }),
    expect: ownerOrAdmin(200),
  },
  lessonContent: {
    request: (w) => ({ params: { courseId: w.course.id, lessonId: w.course.lessonId } }),
    expect: { anon: 401, student: 200, otherStudent: 403, instructor: 403, owner: 200, admin: 200 },
  },
};
