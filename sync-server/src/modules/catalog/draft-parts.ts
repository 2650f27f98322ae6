import { integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { CourseDraftDoc } from '@lyceum/contracts';
import type { Edit } from '@lyceum/contracts';

/**
 * The parts of a course draft an edit reads and changes, for conflicts per part (issue 15). A part is an entity
 * (`course`, `m:<moduleId>`, `l:<lessonId>`) and one of its fields: a course detail; a module's `title` or `place`;
 * a lesson's fields, its `quiz` and `place`; `gone` for a deletion. An edit conflicts when a part it checks was
 * changed after its base by another client.
 */
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const courseDraftParts = pgTable(
  'course_draft_parts',
  {
    courseId: uuid('course_id').notNull(),
    entity: text('entity').notNull(),
    field: text('field').notNull(),
    version: integer('version').notNull(),
    clientId: uuid('client_id'),
    userId: uuid('user_id'),
    changedAt: tstz('changed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.entity, t.field] })],
);

export const courseDraftClients = pgTable(
  'course_draft_clients',
  {
    courseId: uuid('course_id').notNull(),
    clientId: uuid('client_id').notNull(),
    seenVersion: integer('seen_version').notNull(),
    tipVersion: integer('tip_version').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.clientId] })],
);

/** Who changed a part last, at which draft version and when. */
export interface PartChange {
  version: number;
  clientId: string | null;
  userId: string | null;
  at: Date;
}

/** A part an edit checks: one entity, all its fields when `fields` is absent. */
export interface Check {
  entity: string;
  fields?: string[];
}
export interface Part {
  entity: string;
  field: string;
}

export const COURSE = 'course';
export const mod = (id: string) => `m:${id}`;
export const les = (id: string) => `l:${id}`;

function lessonOf(doc: CourseDraftDoc, lessonId: string) {
  for (const m of doc.modules) for (const l of m.lessons) if (l.id === lessonId) return l;
  return undefined;
}

/** What the edit checks (before) and changes (after), on the document it applies to. */
export function partsOf(doc: CourseDraftDoc, e: Edit): { checks: Check[]; writes: Part[] } {
  const fields = (entity: string, names: string[]) => names.map((field) => ({ entity, field }));
  switch (e.name) {
    case 'updateCourse': {
      const names = Object.keys(e.args.patch);
      return { checks: [{ entity: COURSE, fields: names }], writes: fields(COURSE, names) };
    }
    case 'addModule':
      return { checks: [], writes: fields(mod(e.args.moduleId), ['title', 'place']) };
    case 'updateModule':
      return {
        checks: [{ entity: mod(e.args.moduleId), fields: ['title', 'gone'] }],
        writes: fields(mod(e.args.moduleId), ['title']),
      };
    case 'moveModule':
      return {
        checks: [{ entity: mod(e.args.moduleId), fields: ['place', 'gone'] }],
        writes: fields(mod(e.args.moduleId), ['place']),
      };
    case 'deleteModule': {
      // Deleting a module deletes its lessons: any change to one of them since the base is a conflict.
      const lessons = doc.modules.find((m) => m.id === e.args.moduleId)?.lessons ?? [];
      return {
        checks: [{ entity: mod(e.args.moduleId) }, ...lessons.map((l) => ({ entity: les(l.id!) }))],
        writes: [
          ...fields(mod(e.args.moduleId), ['gone']),
          ...lessons.flatMap((l) => fields(les(l.id!), ['gone'])),
        ],
      };
    }
    case 'addLesson':
      return {
        checks: [{ entity: mod(e.args.moduleId), fields: ['gone'] }],
        writes: fields(les(e.args.lesson.id), ['place']),
      };
    case 'updateLesson': {
      const names = Object.keys(e.args.patch);
      const before = lessonOf(doc, e.args.lessonId);
      // Leaving the quiz kind drops the quiz: that changes (and so checks) the quiz too.
      if (e.args.patch.kind && e.args.patch.kind !== 'quiz' && before?.kind === 'quiz') names.push('quiz');
      return {
        checks: [{ entity: les(e.args.lessonId), fields: [...names, 'gone'] }],
        writes: fields(les(e.args.lessonId), names),
      };
    }
    case 'moveLesson':
      // A lesson another device changed since the base is not moved (nor deleted) behind its back.
      return {
        checks: [{ entity: les(e.args.lessonId) }, { entity: mod(e.args.moduleId), fields: ['gone'] }],
        writes: fields(les(e.args.lessonId), ['place']),
      };
    case 'deleteLesson':
      return { checks: [{ entity: les(e.args.lessonId) }], writes: fields(les(e.args.lessonId), ['gone']) };
    case 'putQuiz':
      return {
        checks: [{ entity: les(e.args.lessonId), fields: ['quiz', 'kind', 'gone'] }],
        writes: fields(les(e.args.lessonId), ['quiz']),
      };
  }
}

/** The parts' last changes of one course, as far as loaded, kept up to date by the edits applied in memory. */
export class PartLog {
  private readonly byEntity = new Map<string, Map<string, PartChange>>();
  readonly dirty = new Map<string, Part & PartChange>();

  set(entity: string, field: string, c: PartChange, dirty = false): void {
    let fieldsOf = this.byEntity.get(entity);
    if (!fieldsOf) this.byEntity.set(entity, (fieldsOf = new Map()));
    fieldsOf.set(field, c);
    if (dirty) this.dirty.set(`${entity}\u0000${field}`, { entity, field, ...c });
  }

  /**
   * The changes that make an edit a conflict: parts it checks, changed after `base` by another client (or another
   * user). The latest first. Without a client id, every change after the base is someone else's.
   */
  conflicts(checks: Check[], base: number, clientId: string | null, userId: string): (Part & PartChange)[] {
    const out: (Part & PartChange)[] = [];
    for (const ch of checks) {
      const fieldsOf = this.byEntity.get(ch.entity);
      if (!fieldsOf) continue;
      const names = ch.fields ?? [...fieldsOf.keys()];
      for (const field of names) {
        const c = fieldsOf.get(field);
        if (!c || c.version <= base) continue;
        const mine = clientId !== null && c.clientId === clientId && c.userId === userId;
        if (!mine) out.push({ entity: ch.entity, field, ...c });
      }
    }
    return out.sort((a, b) => b.version - a.version);
  }
}

/** A client's chain of edits on one course (see migration 0025). */
export interface Chain {
  seen: number;
  tip: number;
}

/**
 * The version an edit's author had really seen. A device offline names, as each edit's base, the version its previous
 * edit would have produced: a base within the client's chain (after what its first edit saw, up to the version its
 * last edit would produce) continues the chain and saw what the chain's first edit saw. A base the server never
 * reached counts as the chain's start too, or, with no chain, as nothing known (null: a conflict). Any other base is a
 * version the client pulled and starts a new chain.
 */
export function effectiveBase(
  base: number,
  chain: Chain | undefined,
  current: number,
): { seen: number | null; chain: Chain } {
  if (chain && ((base > chain.seen && base <= chain.tip) || base > current))
    return { seen: chain.seen, chain: { seen: chain.seen, tip: Math.max(chain.tip, base + 1) } };
  if (base > current) return { seen: null, chain: { seen: 0, tip: base + 1 } };
  return { seen: base, chain: { seen: base, tip: base + 1 } };
}
