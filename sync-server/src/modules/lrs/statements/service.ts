import { newId } from '../../../lib/ids.ts';
import { ApiError } from '../../../http/errors.ts';
import type { CollectorModule } from '../../analytics/collector/index.ts';
import type { ContentStorage } from '../../content/storage.ts';
import type { LrsCaller } from '../gate.ts';
import { isObject, type Json } from '../validation/check.ts';
import { validateStatement } from '../validation/statement.ts';
import { forAnalytics } from './analytics-bridge.ts';
import { checkAttachments, storeParts, type Part } from './attachments.ts';
import { sameStatement } from './compare.ts';
import { statementKeys } from './keys.ts';
import { withTransaction } from '../../../db/transaction.ts';
import type { StatementRecord, StatementStore } from './store.ts';

export const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

export interface StatementServiceDeps {
  store: StatementStore;
  collector: CollectorModule;
  storage: ContentStorage;
  now: () => Date;
  /** Told the ids newly voided (after the commit): the analytics correction. */
  onVoided?: (ids: string[]) => Promise<void>;
}

const isVoiding = (s: Json) => isObject(s.verb) && s.verb.id === VOIDED;

/**
 * Storing statements (xAPI-Communication 2.1.1, 2.1.2): all or nothing; invalid ones → 400 and the dead-letter store
 * with the reason; a known id with the same content is a no-op, with other content 409; voiding statements void
 * their targets (a voiding statement cannot be voided). What analytics understands goes on to its collector.
 */
export function statementService(d: StatementServiceDeps) {
  async function deadLetter(caller: LrsCaller, reason: string, payload: unknown) {
    await d.collector.deadLetters.record([{ source: 'xapi', origin: caller.origin, reason, payload }]);
  }

  async function invalid(caller: LrsCaller, index: number, reason: string, payload: unknown): Promise<never> {
    await deadLetter(caller, reason, payload);
    throw new ApiError('validation_failed', `Statement ${index} is invalid: ${reason}`, {
      rejected: [{ index, reason }],
    });
  }

  return {
    /** Store `items`; resolves with their ids in order. */
    async store(
      items: readonly unknown[],
      caller: LrsCaller,
      parts: readonly Part[] = [],
    ): Promise<string[]> {
      const stored = d.now().toISOString();
      const statements: Json[] = [];
      const sent: Json[] = [];
      const seen = new Set<string>();
      for (const [index, item] of items.entries()) {
        const r = validateStatement(structuredClone(item));
        if (!r.ok) return invalid(caller, index, r.reason, item);
        const s = r.statement;
        if (isVoiding(s) && (!isObject(s.object) || s.object.objectType !== 'StatementRef'))
          return invalid(caller, index, 'object: a voiding statement’s object must be a StatementRef', item);
        const id = typeof s.id === 'string' ? s.id.toLowerCase() : newId();
        if (seen.has(id)) return invalid(caller, index, `id: ${id} appears twice in the request`, item);
        seen.add(id);
        sent.push(s);
        statements.push({
          ...s,
          id,
          timestamp: s.timestamp ?? stored,
          stored,
          authority: s.authority ?? caller.authority,
          version: s.version ?? '1.0.0',
        });
      }
      const attachmentProblem = await checkAttachments(statements, parts, items);
      if (attachmentProblem)
        return invalid(
          caller,
          attachmentProblem.index,
          attachmentProblem.reason,
          items[attachmentProblem.index],
        );

      let voided: string[] = [];
      let fresh: Json[] = [];
      const repeats: Json[] = [];
      try {
        await withTransaction(d.store.pool, async (client) => {
          const ids = statements.map((s) => s.id as string);
          const targets = statements
            .filter(isVoiding)
            .map((s) => String((s.object as Json).id).toLowerCase());
          const known = await d.store.known(client, [...ids, ...targets]);
          fresh = statements.filter((s, index) => {
            const before = known.get(s.id as string);
            if (!before) return true;
            if (!sameStatement(sent[index]!, before.statement))
              throw new ApiError(
                'statement_conflict',
                `A statement with id ${String(s.id)} is stored with other content`,
              );
            repeats.push(before.statement);
            return false;
          });
          const voidingIds = new Set(statements.filter(isVoiding).map((s) => s.id as string));
          for (const t of targets)
            if (known.get(t)?.voiding || voidingIds.has(t))
              throw new ApiError(
                'validation_failed',
                `Statement ${t} is a voiding statement: it cannot be voided`,
              );
          const rows: StatementRecord[] = fresh.map((s) => ({
            id: s.id as string,
            statement: s,
            stored,
            keys: statementKeys(s),
            voiding: isVoiding(s),
            origin: caller.origin,
          }));
          const inserted = await d.store.insert(client, rows);
          fresh = fresh.filter((s) => inserted.has(s.id as string));
          const freshTargets = fresh
            .filter(isVoiding)
            .map((s) => String((s.object as Json).id).toLowerCase());
          voided = await d.store.void(client, freshTargets);
          // A voiding statement may come before its target (xAPI Data 2.3.2 does not order them): the target is then
          // stored already voided, and analytics never counts it.
          voided.push(
            ...(await d.store.voidLateTargets(
              client,
              fresh.filter((s) => !isVoiding(s)).map((s) => s.id as string),
            )),
          );
          // Targets not (yet) in the LRS may be statements analytics collected from elsewhere (the desktop app).
          voided = [...new Set([...voided, ...freshTargets.filter((t) => !known.has(t))])];
        });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'validation_failed')
          await deadLetter(caller, err.message, items);
        throw err;
      }
      await storeParts(d.storage, d.store.pool, parts);
      // Repeats go on too: the collector counts them as duplicates, as when it was the xAPI resource itself.
      const gone = new Set(voided);
      const understood = [...fresh, ...repeats]
        .filter((s) => !isVoiding(s) && !gone.has(s.id as string))
        .map(forAnalytics)
        .filter((s) => s !== null);
      if (understood.length) await d.collector.ingest(understood, { source: 'xapi', origin: caller.origin });
      if (voided.length) await d.onVoided?.(voided);
      return statements.map((s) => s.id as string);
    },
  };
}
export type StatementService = ReturnType<typeof statementService>;
