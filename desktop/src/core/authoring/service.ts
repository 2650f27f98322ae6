import { uuidv7 } from 'uuidv7';
import {
  applyEdit,
  applyEdits,
  AuthoringArgs,
  EditDoesNotFit,
  editNames,
  type CourseDraft,
  type CourseDraftDoc,
  type Edit,
  type Mutation,
} from '@lyceum/contracts';
import type {
  AuthoringConflict,
  ConflictResolveBody,
  DraftCreateBody,
  DraftEdit,
  DraftList,
  DraftView,
  PublishState,
} from '../../contracts/authoring.ts';
import { CoreError } from '../errors.ts';
import type { LocalDb } from '../store/open.ts';
import type { NewMutation } from '../sync/outbox.ts';
import type { TeachUpload } from '../../contracts/teaching.ts';
import { argsWith, conflictOf } from './conflicts.ts';
import { detailToDoc } from './published.ts';
import { draftStore, publishNames, type AuthoringRow } from './store.ts';

/** What authoring needs of the sync engine (sync/engine.ts). */
export interface AuthoringSync {
  record(m: NewMutation): Mutation;
  dismiss(id: string): boolean;
  prepare(): string | null;
}

/** This device's uploads (services/teaching.ts): listed with the draft; a lost replacement is a conflict. */
export interface AuthoringUploads {
  list(): TeachUpload[];
  retry(id: string): unknown;
  dismiss(id: string): unknown;
}

const CREATE_DEFAULTS: Omit<CourseDraftDoc['details'], 'title' | 'subject'> = {
  description: '',
  tags: [],
  language: 'en',
  type: 'self_paced',
  level: 'beginner',
  price: null,
  coverImageUrl: null,
  prerequisiteIds: [],
};

const isConflict = (r: AuthoringRow) =>
  r.status === 'rejected' && editNames.has(r.name) && r.result?.code === 'version_conflict';
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/**
 * Course authoring on the device (issue 15): drafts readable offline (the server's copy with this device's pending
 * edits replayed on top), each edit a mutation in the sync outbox with its base version, publishing queued for the
 * server's decision, and refused edits kept as conflicts until the instructor chooses.
 */
export function authoringService(d: { db: LocalDb; sync: AuthoringSync; uploads?: AuthoringUploads }) {
  const store = draftStore(d.db);

  function requireUser(): string {
    const id = d.sync.prepare();
    if (!id) throw new CoreError('signed_out', 'Sign in to teach');
    return id;
  }

  /** Everything known about one course on this device. */
  function loadFresh(userId: string, courseId: string) {
    const server = store.server(userId, courseId);
    const rows = store.rows(userId, courseId);
    const createdRow = rows.find((r) => r.name === 'createCourse' && r.status !== 'rejected');
    const created = createdRow ? AuthoringArgs.createCourse.safeParse(createdRow.args) : null;
    const taught = server || created?.success ? null : store.taught(userId, courseId);
    if (!server && !created?.success && !taught)
      throw new CoreError('not_found', 'No draft of this course on this device');
    let base: CourseDraft;
    if (server) base = server.draft;
    else if (taught)
      base = {
        courseId,
        version: taught.course.version,
        status: taught.course.status,
        doc: detailToDoc(taught.course),
        updatedBy: null,
        updatedAt: taught.course.updatedAt,
      };
    else {
      const { courseId: _id, modules, ...details } = created!.data!;
      base = {
        courseId,
        version: 0,
        status: 'draft',
        // The server's defaults (its createCourse), so the local view is what the server will hold.
        doc: { details: { ...CREATE_DEFAULTS, ...details }, modules: modules ?? [] },
        updatedBy: userId,
        updatedAt: createdRow!.createdAt,
      };
    }
    // The version the server holds as far as this device knows: the latest of the pulled copy and the answers to its
    // own mutations (applied: the new version; refused as stale: the current one).
    let known = server
      ? { version: server.draft.version, at: server.pulledAt }
      : taught
        ? { version: taught.course.version, at: taught.syncedAt }
        : null;
    let status = base.status;
    let statusAt = server?.pulledAt ?? taught?.syncedAt ?? '';
    for (const r of rows) {
      if (!r.settledAt) continue;
      const v =
        r.status === 'applied'
          ? num(r.result?.version)
          : r.result?.code === 'version_conflict'
            ? num((r.result.details as Record<string, unknown> | undefined)?.currentVersion)
            : null;
      if (v !== null && (!known || r.settledAt >= known.at)) known = { version: v, at: r.settledAt };
      const s = r.status === 'applied' ? r.result?.status : undefined;
      if ((s === 'draft' || s === 'published' || s === 'archived') && r.settledAt >= statusAt) {
        status = s;
        statusAt = r.settledAt;
      }
    }
    const pending = rows.filter((r) => r.status === 'pending' && editNames.has(r.name));
    // What the local view replays on the server's copy: the pending edits, and the edits the server applied after that
    // copy was made (their answer's version is newer than the copy's) — until the next pull brings them, they would
    // otherwise vanish from the view, and an edit made meanwhile on what they added would find nothing.
    const copyVersion = server?.draft.version ?? 0;
    const replay = rows.filter(
      (r) =>
        editNames.has(r.name) &&
        (r.status === 'pending' || (r.status === 'applied' && (num(r.result?.version) ?? 0) > copyVersion)),
    );
    // The server's copy as this device knows it (its draft, or the published course it starts from).
    const serverDoc = server?.draft.doc ?? (taught ? base.doc : null);
    return { server, serverDoc, rows, base, pending, replay, status, knownVersion: known?.version ?? 1 };
  }

  type Loaded = ReturnType<typeof loadFresh>;
  /** The courses read lately, valid while nothing they are read from changed (the stamp). */
  const cache = new Map<string, { stamp: string; c: Loaded }>();
  const drafts = new WeakMap<Loaded, CourseDraft>();

  function load(userId: string, courseId: string): Loaded {
    const stamp = store.stamp(userId, courseId);
    const hit = cache.get(`${userId}:${courseId}`);
    if (hit?.stamp === stamp) return hit.c;
    const c = loadFresh(userId, courseId);
    remember(userId, courseId, stamp, c);
    return c;
  }

  function remember(userId: string, courseId: string, stamp: string, c: Loaded): void {
    const k = `${userId}:${courseId}`;
    cache.delete(k);
    cache.set(k, { stamp, c });
    if (cache.size > 20) cache.delete(cache.keys().next().value!);
  }

  function localDraft(c: Loaded): CourseDraft {
    const kept = drafts.get(c);
    if (kept) return kept;
    const draft = replayed(c);
    drafts.set(c, draft);
    return draft;
  }

  function replayed(c: Loaded): CourseDraft {
    const doc = applyEdits(
      c.base.doc,
      c.replay.map((r) => ({ name: r.name, args: r.args }) as Edit),
    );
    const last = c.pending[c.pending.length - 1];
    return {
      ...c.base,
      version: c.knownVersion,
      status: c.status,
      doc,
      updatedAt: last && last.createdAt > c.base.updatedAt ? last.createdAt : c.base.updatedAt,
    };
  }

  function conflictsOf(userId: string, c: Loaded, courseId: string): AuthoringConflict[] {
    const refused = c.rows.filter(isConflict);
    const uploads = (d.uploads?.list() ?? []).filter(
      (u) => u.courseId === courseId && u.phase === 'failed' && u.error?.code === 'version_conflict',
    );
    const done = store.resolved([...refused.map((r) => r.id), ...uploads.map((u) => u.id)]);
    const serverDoc = c.serverDoc;
    return [
      ...refused.filter((r) => !done.has(r.id)).map((r) => conflictOf(r, courseId, serverDoc)),
      ...uploads
        .filter((u) => !done.has(u.id))
        .map((u): AuthoringConflict => ({
          id: u.id,
          courseId,
          edit: 'upload',
          target: { kind: 'lesson', id: u.lessonId, field: u.kind },
          mine: { name: u.name, size: u.size },
          theirs: null,
          theirsBy: { id: null },
          theirsAt: u.updatedAt,
          mineAt: u.createdAt,
        })),
    ];
  }

  function publishOf(rows: AuthoringRow[]): PublishState {
    const last = [...rows].reverse().find((r) => publishNames.has(r.name));
    if (!last) return { state: 'idle' };
    const action =
      last.name === 'publishCourse' ? 'publish' : last.name === 'unpublishCourse' ? 'unpublish' : 'archive';
    if (last.status === 'pending') return { state: 'queued', action, at: last.createdAt };
    if (last.status === 'applied') return { state: 'applied', action, at: last.settledAt ?? last.createdAt };
    const details = last.result?.details as { problems?: PublishState['problems'] } | undefined;
    return {
      state: 'rejected',
      action,
      code: typeof last.result?.code === 'string' ? last.result.code : 'rejected',
      message: typeof last.result?.message === 'string' ? last.result.message : undefined,
      ...(Array.isArray(details?.problems) ? { problems: details.problems } : {}),
      at: last.settledAt ?? last.createdAt,
    };
  }

  /** Queue one edit on the base this device expects the server to hold when it arrives. */
  function issue(userId: string, courseId: string, e: DraftEdit): CourseDraft {
    const c = load(userId, courseId);
    const baseVersion = c.knownVersion + c.pending.length;
    const parsed = AuthoringArgs[e.name].safeParse({ ...e.args, courseId, baseVersion });
    if (!parsed.success)
      throw new CoreError(
        'validation_failed',
        'Invalid edit',
        parsed.error.issues.map((i) => ({
          path: ['args', ...i.path.map(String)].join('.'),
          message: i.message,
        })),
      );
    const edit = { name: e.name, args: parsed.data } as Edit;
    const before = localDraft(c);
    let doc: CourseDraftDoc;
    try {
      doc = applyEdit(before.doc, edit);
    } catch (err) {
      if (err instanceof EditDoesNotFit) throw new CoreError('not_found', err.message);
      throw err;
    }
    const m = d.sync.record(edit as NewMutation);
    // The course as it is now, without reading it again: one more pending edit on top.
    const row: AuthoringRow = {
      seq: m.clientSeq,
      id: m.id,
      name: m.name,
      args: m.args as Record<string, unknown>,
      createdAt: m.createdAt,
      status: 'pending',
      result: null,
      settledAt: null,
    };
    const next: Loaded = {
      ...c,
      rows: [...c.rows, row],
      pending: [...c.pending, row],
      replay: [...c.replay, row],
    };
    const draft = { ...before, doc, updatedAt: m.createdAt };
    drafts.set(next, draft);
    remember(userId, courseId, store.stamp(userId, courseId), next);
    return draft;
  }

  return {
    list(): DraftList {
      const userId = requireUser();
      const counts = store.counts(userId);
      const seen = new Set<string>();
      const drafts: DraftList['drafts'] = [];
      const add = (
        courseId: string,
        title: string,
        status: CourseDraft['status'],
        version: number,
        at: string,
      ) => {
        if (seen.has(courseId)) return;
        seen.add(courseId);
        const n = counts.get(courseId);
        const updatedAt = n && n.lastAt > at ? n.lastAt : at;
        drafts.push({
          courseId,
          title,
          status,
          version,
          pendingEdits: n?.pending ?? 0,
          conflicts: n?.conflicts ?? 0,
          updatedAt,
        });
      };
      for (const s of store.serverList(userId)) add(s.courseId, s.title, s.status, s.version, s.updatedAt);
      for (const c of store.created(userId)) add(c.courseId, c.title, 'draft', 0, c.createdAt);
      for (const t of store.taughtList(userId)) add(t.courseId, t.title, t.status, t.version, t.updatedAt);
      // Titles changed by pending edits: read those drafts whole (few).
      for (const x of drafts)
        if (x.pendingEdits > 0) {
          const c = load(userId, x.courseId);
          x.title = localDraft(c).doc.details.title;
          x.status = c.status;
          x.version = c.knownVersion;
        }
      drafts.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      return { drafts };
    },

    create(body: DraftCreateBody): { courseId: string; draft: CourseDraft } {
      const userId = requireUser();
      const courseId = uuidv7();
      const args = AuthoringArgs.createCourse.parse({ ...body.details, courseId });
      d.sync.record({ name: 'createCourse', args });
      return { courseId, draft: localDraft(load(userId, courseId)) };
    },

    view(courseId: string): DraftView {
      const userId = requireUser();
      const c = load(userId, courseId);
      return {
        draft: localDraft(c),
        pendingEdits: c.pending.length,
        conflicts: conflictsOf(userId, c, courseId),
        publish: publishOf(c.rows),
        uploads: (d.uploads?.list() ?? []).filter((u) => u.courseId === courseId),
      };
    },

    edit(courseId: string, e: DraftEdit): { draft: CourseDraft } {
      return { draft: issue(requireUser(), courseId, e) };
    },

    publish(courseId: string, action: 'publish' | 'unpublish' | 'archive'): { publish: PublishState } {
      const userId = requireUser();
      const c = load(userId, courseId);
      if (action === 'publish')
        d.sync.record({
          name: 'publishCourse',
          args: { courseId, baseVersion: c.knownVersion + c.pending.length },
        });
      else
        d.sync.record({
          name: action === 'unpublish' ? 'unpublishCourse' : 'archiveCourse',
          args: { courseId },
        });
      return { publish: publishOf(store.rows(userId, courseId)) };
    },

    /** Where a lesson of the drafts is: on the server's draft, only on this device (creation queued), or nowhere. */
    draftLesson(courseId: string, lessonId: string): 'on_server' | 'on_device' | null {
      const userId = d.sync.prepare();
      if (!userId) return null;
      let c: Loaded;
      try {
        c = load(userId, courseId);
      } catch {
        return null;
      }
      const has = (doc: CourseDraftDoc | undefined) =>
        !!doc?.modules.some((m) => m.lessons.some((l) => l.id === lessonId));
      if (has(c.serverDoc ?? undefined)) return 'on_server';
      return has(localDraft(c).doc) ? 'on_device' : null;
    },

    conflicts(): { conflicts: AuthoringConflict[] } {
      const userId = requireUser();
      const out: AuthoringConflict[] = [];
      for (const x of this.list().drafts) {
        const uploads = d.uploads
          ?.list()
          .some((u) => u.courseId === x.courseId && u.error?.code === 'version_conflict');
        if (x.conflicts > 0 || uploads)
          out.push(...conflictsOf(userId, load(userId, x.courseId), x.courseId));
      }
      return { conflicts: out };
    },

    resolve(courseId: string, conflictId: string, body: ConflictResolveBody): { draft: CourseDraft } {
      const userId = requireUser();
      const c = load(userId, courseId);
      const conflict = conflictsOf(userId, c, courseId).find((x) => x.id === conflictId);
      if (!conflict) throw new CoreError('not_found', 'No such conflict open on this device');
      if (conflict.edit === 'upload') {
        if (body.choice === 'merge')
          throw new CoreError('validation_failed', 'A file cannot be merged: keep yours or take theirs');
        if (body.choice === 'mine') d.uploads?.retry(conflictId);
        else d.uploads?.dismiss(conflictId);
        store.resolve(userId, courseId, conflictId, body.choice);
        return { draft: localDraft(load(userId, courseId)) };
      }
      const row = c.rows.find((r) => r.id === conflictId)!;
      // The new edit and the choice are kept together (a crash between them must not issue it twice).
      d.db.transaction(() => {
        if (body.choice !== 'theirs') {
          const { courseId: _c, baseVersion: _b, ...mine } = row.args;
          const args = body.choice === 'mine' ? mine : argsWith(row, conflict.target, body.value);
          issue(userId, courseId, { name: row.name, args } as DraftEdit);
        }
        store.resolve(userId, courseId, conflictId, body.choice);
      });
      d.sync.dismiss(conflictId);
      return { draft: localDraft(load(userId, courseId)) };
    },
  };
}
export type AuthoringService = ReturnType<typeof authoringService>;
