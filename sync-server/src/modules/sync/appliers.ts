import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Mutation, ProgressEventInput, QuizAttemptInput } from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import type { RecordEdits } from '../catalog/authoring-batch.ts';
import type { CatalogModule } from '../catalog/index.ts';
import type { EnrollmentModule } from '../enrollment/index.ts';
import type { IdentityModule } from '../identity/index.ts';
import type { ProgressModule } from '../progress/index.ts';
import type { VoucherService } from '../payments/vouchers/service.ts';
import type { InboxService } from '../notifications/inbox.ts';

type HotMutation = Extract<Mutation, { name: 'recordProgress' | 'submitQuizAttempt' }>;
type OtherMutation = Exclude<Mutation, HotMutation>;

/** 'retry': lost a race with a concurrent write of the same id or number; apply it alone. */
export type Outcome =
  { ok: true; duplicate: boolean; result: unknown } | { ok: false; error: ApiError } | { ok: 'retry' };

const unwrap = <T extends { duplicate: boolean }>(
  o: { ok: true; result: T } | { ok: false; error: ApiError } | { ok: 'retry' },
): Outcome => {
  if (o.ok !== true) return o;
  const { duplicate, ...result } = o.result;
  return { ok: true, duplicate, result };
};

export interface HotApplier {
  /** Apply inside the push's transaction; throws ApiError to reject. */
  apply(caller: Caller, m: Mutation): Promise<{ duplicate: boolean; result: unknown }>;
  /** Many progress records (distinct event ids) in one statement, inside the push's transaction; one outcome each. */
  applyProgressBatch(caller: Caller, inputs: ProgressEventInput[]): Promise<Outcome[]>;
  /** Many quiz attempts (distinct ids) in one statement, inside the push's transaction; one outcome each. */
  applyAttemptBatch(caller: Caller, inputs: QuizAttemptInput[]): Promise<Outcome[]>;
}

export interface Appliers {
  /** Progress and quiz attempts, run on the push's own connection (inside its transaction). */
  hot(client: pg.PoolClient): HotApplier;
  /** Enroll, unenroll, preferences, ratings, vouchers: through their services, idempotent by intent. */
  other(caller: Caller, m: Mutation, deviceId?: string): Promise<unknown>;
  /** Course draft edits (authoring): consecutive ones applied together, per course; one outcome each. */
  edits: {
    accepts(m: Mutation): boolean;
    apply(caller: Caller, deviceId: string, ms: Mutation[]): Promise<Outcome[]>;
  };
}

export interface ApplierDeps {
  /** ratings (rateCourse); authoring (the instructor's draft edits and publishing, issue 15). */
  catalog: Pick<CatalogModule, 'ratings'> & Partial<Pick<CatalogModule, 'authoring'>>;
  enrollment: Pick<EnrollmentModule, 'enroll' | 'unenroll' | 'get'>;
  identity: Pick<IdentityModule, 'accounts'>;
  progress: Pick<ProgressModule, 'writers'>;
  /** The payments module's vouchers (redeemVoucher). */
  vouchers: Pick<VoucherService, 'redeem'>;
  /** The notifications module's inbox (markNotificationsRead); read lazily. */
  notifications?: { readonly inbox: Pick<InboxService, 'markRead'> };
}

/**
 * The progress module's own writers (the same statements, merge rules and grading as POST /progress and
 * /quiz-attempts), bound to the push's connection instead of the pool so they join its transaction.
 */
export function createAppliers(deps: ApplierDeps): Appliers {
  const { catalog, enrollment, identity, progress, vouchers } = deps;
  return {
    hot(client) {
      const writers = progress.writers(client);
      return {
        async applyProgressBatch(caller, inputs) {
          return (await writers.recordBatch(caller.id, inputs)).map(unwrap);
        },
        async applyAttemptBatch(caller, inputs) {
          return (await writers.submitBatch(caller.id, inputs)).map(unwrap);
        },
        async apply(caller, m) {
          const hm = m as HotMutation;
          const out =
            hm.name === 'recordProgress'
              ? await writers.record(caller.id, hm.args)
              : await writers.submitQuizAttempt(caller.id, hm.args);
          const { duplicate, ...result } = out;
          return { duplicate, result };
        },
      };
    },
    edits: {
      accepts: (m) => catalog.authoring?.isEdit(m.name) ?? false,
      async apply(caller, deviceId, ms) {
        const authoring = catalog.authoring;
        if (!authoring) throw new ApiError('unavailable', 'Authoring is not available');
        const items = ms.map((m) => ({
          name: m.name as Parameters<typeof authoring.isEdit>[0],
          args: m.args,
        }));
        // The sync log's records of the edits commit with their effects (see RecordEdits).
        const record: RecordEdits = async (tx, done) => {
          const rows = done.map(({ index, outcome: o }) => {
            const m = ms[index]!;
            const base = { mutation_id: m.id, name: m.name, client_seq: m.clientSeq };
            return o.ok
              ? { ...base, status: 'applied', result: o.result === undefined ? null : { result: o.result } }
              : {
                  ...base,
                  status: 'rejected',
                  result: { code: o.error.code, message: o.error.message, details: o.error.details },
                };
          });
          await tx.execute(sql`
            INSERT INTO sync_mutations (mutation_id, device_id, user_id, name, client_seq, status, result)
            SELECT x.mutation_id, ${deviceId}, ${caller.id}, x.name, x.client_seq, x.status, x.result
            FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
              AS x(mutation_id uuid, name text, client_seq bigint, status text, result jsonb)
            ON CONFLICT (mutation_id) DO NOTHING`);
        };
        const outs = await authoring.applyEdits(
          caller,
          deviceId,
          items as Parameters<typeof authoring.applyEdits>[2],
          record,
        );
        return outs.map((o) => (o.ok ? { ok: true, duplicate: false, result: o.result } : o));
      },
    },
    async other(caller, m, deviceId) {
      const om = m as OtherMutation;
      switch (om.name) {
        case 'enroll':
          try {
            return await enrollment.enroll(om.args.courseId, caller.id);
          } catch (err) {
            // The wish "be enrolled" already holds (another device, or a retry after a lost answer): applied.
            if (err instanceof ApiError && err.code === 'already_enrolled') {
              const row = await enrollment.get(om.args.courseId, caller.id);
              if (row) return { courseId: row.courseId, status: row.status };
            }
            throw err;
          }
        case 'unenroll':
          await enrollment.unenroll(om.args.courseId, caller.id);
          return undefined;
        case 'putPreferences':
          return identity.accounts.putPreferences(caller.id, om.args);
        case 'rateCourse': {
          const { courseId, ...rating } = om.args;
          return catalog.ratings.putRating(caller.id, courseId, rating);
        }
        case 'redeemVoucher':
          // Exactly once per code (the redemption's key is the voucher); this student's own code again is applied.
          // A refusal (voucher_used, …) carries details.courseId: the course the device locks again.
          return vouchers.redeem(caller.id, om.args.code, {
            courseId: om.args.courseId,
            via: 'sync',
            mutationId: om.id,
            madeAt: new Date(om.createdAt),
          });
        case 'markNotificationsRead': {
          // Idempotent by intent: rows already read keep their first read time; others' ids are ignored.
          const inbox = deps.notifications?.inbox;
          if (!inbox) throw new ApiError('unavailable', 'Notifications are not available');
          return inbox.markRead(caller.id, om.args);
        }
        default: {
          // Authoring: an edit of the course's draft (stale base → version_conflict with the server's copy), or publishing.
          const authoring = catalog.authoring;
          if (!authoring) throw new ApiError('unavailable', 'Authoring is not available');
          return authoring.apply(caller, om.name, om.args, deviceId ?? null);
        }
      }
    },
  };
}
