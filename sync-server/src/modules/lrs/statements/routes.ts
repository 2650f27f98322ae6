import { z } from 'zod';
import { IsoDateTime, StatementResult, StoredStatement, Text, XapiAgent, actorKey } from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';
import { route, type AnyRoute } from '../../../http/route.ts';
import { decodeCursor, encodeCursor } from '../../../lib/cursor.ts';
import type { IngestResult } from '../../analytics/collector/port.ts';
import { idsFormat } from '../../analytics/collector/statements.ts';
import type { LrsDeps } from '../index.ts';
import type { LrsGate } from '../gate.ts';

export const XAPI_PATH = '/xapi/statements';
/** Most statements one POST may carry. */
export const MAX_XAPI_BATCH = 5000;
const MAX_LIMIT = 500;

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const XapiStatementsQuery = z
  .object({
    statementId: z.uuid().optional(),
    voidedStatementId: z.uuid().optional(),
    /** An Agent as JSON, e.g. {"mbox":"mailto:ana@example.org"}. */
    agent: Text().max(2000).optional(),
    verb: Text().max(2048).optional(),
    activity: Text().max(2048).optional(),
    registration: z.uuid().optional(),
    related_activities: flag.optional(),
    related_agents: flag.optional(),
    since: IsoDateTime.optional(),
    until: IsoDateTime.optional(),
    /** Default 100, at most 500 (0: the most). */
    limit: z.coerce
      .number()
      .int()
      .min(0)
      .default(100)
      .transform((n) => (n === 0 ? MAX_LIMIT : Math.min(n, MAX_LIMIT))),
    format: z.enum(['exact', 'ids', 'canonical']).default('exact'),
    attachments: flag.optional(),
    ascending: flag.default(false),
    /** Continues a previous answer; taken from its `more` URL. */
    cursor: Text().max(500).optional(),
  })
  .strict();

const PutQuery = z.object({ statementId: z.uuid() }).strict();

/** Any JSON: each statement is checked by the collector, so an invalid one reaches the dead-letter store. */
const StatementsBody = z.unknown().meta({
  description: 'An xAPI 1.0.3 statement (POST: or an array of them); see the XapiStatement schema.',
});

const ONE_STATEMENT_PARAMS = new Set(['statementId', 'voidedStatementId', 'format', 'attachments']);
/** 409 when any statement conflicts with a stored one, else 400 with every reason; nothing was stored. */
function refuse(r: IngestResult): void {
  if (!r.rejected.length) return;
  const details = { rejected: r.rejected.map(({ index, id, reason }) => ({ index, id, reason })) };
  const conflict = r.rejected.find((x) => x.kind === 'conflict');
  if (conflict) throw new ApiError('statement_conflict', conflict.reason, details);
  const first = r.rejected[0]!;
  throw new ApiError('validation_failed', `Statement ${first.index} is invalid: ${first.reason}`, details);
}

function parseAgent(text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError('validation_failed', 'agent must be an Agent as JSON', { field: 'agent' });
  }
  const r = XapiAgent.safeParse(json);
  if (!r.success) throw new ApiError('validation_failed', 'agent is not a valid Agent', { field: 'agent' });
  return actorKey(r.data);
}

function parseCursor(cursor: string) {
  const [stored, id] = decodeCursor(cursor, 2);
  if (typeof stored !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(stored)))
    throw new ApiError('validation_failed', 'The cursor is malformed', { field: 'cursor' });
  return { stored, id };
}

/** The xAPI Statements resource (xAPI 1.0.3 LRS semantics) for outside learning tools. */
export function statementRoutes(d: LrsDeps & { now: () => Date; gate: LrsGate }): AnyRoute[] {
  const { ingest, statements: reader } = d.collector;
  const tags = ['xapi'];
  const auth =
    'HTTP Basic with xAPI client credentials, or an admin bearer token; X-Experience-API-Version 1.0.x.';
  return [
    route({
      method: 'put',
      path: XAPI_PATH,
      operationId: 'xapiPutStatement',
      summary: `Store one statement under statementId (a repeat with the same content is a no-op; other content: 409). ${auth}`,
      tags,
      access: 'public',
      query: PutQuery,
      body: StatementsBody,
      response: null,
      status: 204,
      errors: [
        'unauthenticated',
        'invalid_credentials',
        'client_disabled',
        'forbidden',
        'xapi_version_unsupported',
        'statement_conflict',
        'payload_too_large',
      ],
      handler: async ({ query, body, user, req, res }) => {
        const { origin } = await d.gate(req, res, user);
        if (body === undefined) throw new ApiError('validation_failed', 'Send the statement as a JSON body');
        const id = query.statementId.toLowerCase();
        let item = body;
        if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
          const given = (body as Record<string, unknown>).id;
          if (given !== undefined && (typeof given !== 'string' || given.toLowerCase() !== id))
            throw new ApiError(
              'validation_failed',
              "The statement's id differs from the statementId parameter",
            );
          item = { ...body, id };
        }
        refuse(await ingest([item], { source: 'xapi', origin, atomic: true }));
      },
    }),
    route({
      method: 'post',
      path: XAPI_PATH,
      operationId: 'xapiPostStatements',
      summary: `Store one statement or an array of them, all or nothing; answers their ids. ${auth}`,
      tags,
      access: 'public',
      body: StatementsBody,
      response: z.array(z.uuid()),
      errors: [
        'unauthenticated',
        'invalid_credentials',
        'client_disabled',
        'forbidden',
        'xapi_version_unsupported',
        'statement_conflict',
        'payload_too_large',
      ],
      handler: async ({ body, user, req, res }) => {
        const { origin } = await d.gate(req, res, user);
        if (body === undefined) throw new ApiError('validation_failed', 'Send the statements as a JSON body');
        const items = Array.isArray(body) ? body : [body];
        if (!items.length) throw new ApiError('validation_failed', 'Send at least one statement');
        if (items.length > MAX_XAPI_BATCH)
          throw new ApiError('payload_too_large', `Send at most ${MAX_XAPI_BATCH} statements per request`);
        const r = await ingest(items, { source: 'xapi', origin, atomic: true });
        refuse(r);
        return r.ids;
      },
    }),
    route({
      method: 'get',
      path: XAPI_PATH,
      operationId: 'xapiGetStatements',
      summary: `One statement (statementId), or a page of them filtered by agent, verb, activity, registration and stored time, with a \`more\` URL. ${auth}`,
      tags,
      access: 'public',
      query: XapiStatementsQuery,
      response: z.union([StoredStatement, StatementResult]),
      errors: [
        'unauthenticated',
        'invalid_credentials',
        'client_disabled',
        'forbidden',
        'xapi_version_unsupported',
        'not_found',
      ],
      handler: async ({ query, user, req, res }) => {
        await d.gate(req, res, user);
        const given = Object.keys(req.query as Record<string, unknown>);
        const shape = query.format === 'ids' ? idsFormat : (s: StoredStatement) => s;
        if (query.statementId !== undefined || query.voidedStatementId !== undefined) {
          if (
            given.some((k) => !ONE_STATEMENT_PARAMS.has(k)) ||
            (query.statementId && query.voidedStatementId)
          )
            throw new ApiError(
              'validation_failed',
              'With statementId or voidedStatementId only format and attachments may be given',
            );
          if (query.voidedStatementId !== undefined)
            throw new ApiError(
              'not_found',
              'No voided statement with this id: this LRS does not accept voiding statements, so none is voided',
            );
          const s = await reader.byId(query.statementId!);
          if (!s) throw new ApiError('not_found', 'No statement with this id');
          return shape(s);
        }
        if (query.related_activities || query.related_agents)
          throw new ApiError(
            'validation_failed',
            'related_activities and related_agents are not supported; filter on the statement object and actor',
          );
        const page = await reader.query({
          ...(query.agent !== undefined ? { actor: parseAgent(query.agent) } : {}),
          ...(query.verb !== undefined ? { verb: query.verb } : {}),
          ...(query.activity !== undefined ? { activity: query.activity } : {}),
          ...(query.registration !== undefined ? { registration: query.registration } : {}),
          ...(query.since !== undefined ? { since: query.since } : {}),
          ...(query.until !== undefined ? { until: query.until } : {}),
          ...(query.cursor !== undefined ? { after: parseCursor(query.cursor) } : {}),
          limit: query.limit,
          ascending: query.ascending,
        });
        let more = '';
        if (page.next) {
          const params = new URLSearchParams();
          for (const [k, v] of Object.entries(req.query as Record<string, unknown>))
            if (k !== 'cursor' && typeof v === 'string') params.set(k, v);
          params.set('cursor', encodeCursor([page.next.stored, page.next.id]));
          more = `${XAPI_PATH}?${params.toString()}`;
        }
        return { statements: page.statements.map(shape), more };
      },
    }),
  ];
}
