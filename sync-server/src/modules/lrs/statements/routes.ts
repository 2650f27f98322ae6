import type { Request } from 'express';
import { parseJson } from '../../../http/json-depth.ts';
import { z } from 'zod';
import { Text } from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';
import { Raw, route, type AnyRoute } from '../../../http/route.ts';
import { decodeCursor, encodeCursor } from '../../../lib/cursor.ts';
import type { LrsGate } from '../gate.ts';
import { actor } from '../validation/actors.ts';
import { StatementInvalid, type Json } from '../validation/check.ts';
import { isTimestamp, normaliseTimestamp } from '../validation/formats.ts';
import { attachmentParts, loadParts, type Part } from './attachments.ts';
import { acceptedLanguages, canonicalFormat, idsFormat } from './format.ts';
import { ifiKey } from './keys.ts';
import { buildMultipart, parseMultipart } from './multipart.ts';
import type { StatementService } from './service.ts';
import type { StatementStore } from './store.ts';
import type { ContentStorage } from '../../content/storage.ts';

export const XAPI_PATH = '/xapi/statements';
/** Most statements one POST may carry. */
export const MAX_XAPI_BATCH = 5000;
const MAX_LIMIT = 500;

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const Timestamp = Text()
  .max(64)
  .refine(isTimestamp, 'Not an ISO 8601 timestamp')
  .transform((t) => new Date(normaliseTimestamp(t)).toISOString());

export const XapiStatementsQuery = z
  .object({
    statementId: z.uuid().optional(),
    voidedStatementId: z.uuid().optional(),
    /** An Agent or Group as JSON, e.g. {"mbox":"mailto:ana@example.org"}. */
    agent: Text().max(4000).optional(),
    verb: Text().max(2048).optional(),
    activity: Text().max(2048).optional(),
    registration: z.uuid().optional(),
    related_activities: flag.default(false),
    related_agents: flag.default(false),
    since: Timestamp.optional(),
    until: Timestamp.optional(),
    /** Default 100, at most 500 (0: the most). */
    limit: z.coerce
      .number()
      .int()
      .min(0)
      .default(100)
      .transform((n) => (n === 0 ? MAX_LIMIT : Math.min(n, MAX_LIMIT))),
    format: z.enum(['exact', 'ids', 'canonical']).default('exact'),
    attachments: flag.default(false),
    ascending: flag.default(false),
    /** Continues a previous answer; taken from its `more` URL. */
    cursor: Text().max(500).optional(),
  })
  .strict();

const PutQuery = z.object({ statementId: z.uuid() }).strict();

/** Any JSON (or a multipart/mixed body with attachments): each statement is checked by the LRS's validation. */
const StatementsBody = z.unknown().meta({
  description:
    'An xAPI 1.0.3 statement (POST: or an array of them), as JSON or multipart/mixed with attachments.',
});
const StatementResultSchema = z.object({ statements: z.array(z.unknown()), more: z.string() });

const ONE_STATEMENT_PARAMS = new Set(['statementId', 'voidedStatementId', 'format', 'attachments']);
const ERRORS = [
  'unauthenticated',
  'invalid_credentials',
  'client_disabled',
  'forbidden',
  'xapi_version_unsupported',
  'validation_failed',
] as const;

/** The statements (JSON) and attachment parts of a PUT/POST body. */
function readBody(req: Request, body: unknown): { statements: unknown; parts: Part[] } {
  if (Buffer.isBuffer(body)) {
    const type = req.get('content-type') ?? '';
    if (!/^multipart\/mixed/i.test(type))
      throw new ApiError('validation_failed', 'Send statements as application/json or multipart/mixed');
    const [first, ...rest] = parseMultipart(body, type);
    if (!first || !/^application\/json/i.test(first.headers['content-type'] ?? ''))
      throw new ApiError(
        'validation_failed',
        'The first part of a multipart/mixed request must be application/json',
      );
    let statements: unknown;
    try {
      statements = parseJson(first.body.toString('utf8'));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError('malformed_json', 'The statements part is not valid JSON');
    }
    return { statements, parts: attachmentParts(rest) };
  }
  if (body === undefined) throw new ApiError('validation_failed', 'Send the statement as a JSON body');
  return { statements: body, parts: [] };
}

function parseAgent(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError('validation_failed', 'agent must be an Agent or Group as JSON', { field: 'agent' });
  }
  try {
    actor(json, 'agent');
  } catch (err) {
    if (err instanceof StatementInvalid)
      throw new ApiError('validation_failed', err.message, { field: 'agent' });
    throw err;
  }
  const key = ifiKey(json);
  if (!key)
    throw new ApiError(
      'validation_failed',
      'agent must be identified (mbox, mbox_sha1sum, openid or account)',
    );
  return key;
}

function parseCursor(cursor: string) {
  const [stored, id] = decodeCursor(cursor, 2);
  if (typeof stored !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(stored)))
    throw new ApiError('validation_failed', 'The cursor is malformed', { field: 'cursor' });
  return { stored, id };
}

export interface StatementRouteDeps {
  gate: LrsGate;
  service: StatementService;
  store: StatementStore;
  storage: ContentStorage;
}

/** The xAPI Statements resource (xAPI-Communication 2.1): PUT, POST, GET (and HEAD, which Express answers from GET). */
export function statementRoutes(d: StatementRouteDeps): AnyRoute[] {
  const tags = ['xapi'];
  const auth =
    'HTTP Basic with xAPI client credentials, or an admin bearer token; X-Experience-API-Version 1.0.x.';

  /** JSON, or multipart/mixed with the attachments' bytes when asked (attachments=true). */
  async function answer(
    req: Request,
    body: Json,
    statements: Json[],
    withAttachments: boolean,
  ): Promise<Json | Raw> {
    if (!withAttachments) return body;
    const parts = await loadParts(d.storage, d.store.pool, statements);
    const mp = buildMultipart([
      { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) },
      ...parts.map((p) => ({
        headers: {
          'Content-Type': p.contentType,
          'Content-Transfer-Encoding': 'binary',
          'X-Experience-API-Hash': p.sha2,
        },
        body: p.body,
      })),
    ]);
    void req;
    return new Raw(`multipart/mixed; boundary=${mp.boundary}`, mp.body);
  }

  return [
    route({
      method: 'put',
      path: XAPI_PATH,
      operationId: 'xapiPutStatement',
      summary: `Store one statement under statementId (the same content again is a no-op; other content: 409). ${auth}`,
      tags,
      access: 'public',
      query: PutQuery,
      body: StatementsBody,
      response: null,
      status: 204,
      errors: [...ERRORS, 'statement_conflict', 'payload_too_large'],
      handler: async ({ query, body, user, req, res }) => {
        const caller = await d.gate(req, res, user);
        const { statements, parts } = readBody(req, body);
        const id = query.statementId.toLowerCase();
        if (statements === null || typeof statements !== 'object' || Array.isArray(statements))
          throw new ApiError('validation_failed', 'PUT takes one statement (an object)');
        const given = (statements as Json).id;
        if (given !== undefined && (typeof given !== 'string' || given.toLowerCase() !== id))
          throw new ApiError(
            'validation_failed',
            "The statement's id differs from the statementId parameter",
          );
        await d.service.store([{ ...statements, id }], caller, parts);
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
      errors: [...ERRORS, 'statement_conflict', 'payload_too_large'],
      handler: async ({ body, user, req, res }) => {
        const caller = await d.gate(req, res, user);
        const { statements, parts } = readBody(req, body);
        const items = Array.isArray(statements) ? statements : [statements];
        if (!items.length) throw new ApiError('validation_failed', 'Send at least one statement');
        if (items.length > MAX_XAPI_BATCH)
          throw new ApiError('payload_too_large', `Send at most ${MAX_XAPI_BATCH} statements per request`);
        return d.service.store(items, caller, parts);
      },
    }),
    route({
      method: 'get',
      path: XAPI_PATH,
      operationId: 'xapiGetStatements',
      summary: `One statement (statementId / voidedStatementId), or a page of them filtered by agent, verb, activity, registration, related agents/activities and stored time, with a \`more\` URL; HEAD answers the headers. ${auth}`,
      tags,
      access: 'public',
      query: XapiStatementsQuery,
      response: z.union([StatementResultSchema, z.record(z.string(), z.unknown())]),
      errors: [...ERRORS, 'not_found'],
      handler: async ({ query, user, req, res }) => {
        await d.gate(req, res, user);
        const langs = acceptedLanguages(req.get('accept-language'));
        const shape = (s: Json) =>
          query.format === 'ids'
            ? idsFormat(s)
            : query.format === 'canonical'
              ? canonicalFormat(s, langs)
              : s;
        const given = Object.keys(req.query as Record<string, unknown>);
        if (query.statementId !== undefined || query.voidedStatementId !== undefined) {
          if (
            given.some((k) => !ONE_STATEMENT_PARAMS.has(k)) ||
            (query.statementId && query.voidedStatementId)
          )
            throw new ApiError(
              'validation_failed',
              'With statementId or voidedStatementId only format and attachments may be given',
            );
          const voided = query.voidedStatementId !== undefined;
          const s = await d.store.byId((query.statementId ?? query.voidedStatementId)!.toLowerCase(), voided);
          if (!s)
            throw new ApiError(
              'not_found',
              voided ? 'No voided statement with this id' : 'No statement with this id',
            );
          res.set('Last-Modified', new Date(String(s.stored)).toUTCString());
          return answer(req, shape(s), [s], query.attachments);
        }
        const page = await d.store.query({
          ...(query.agent !== undefined ? { agent: parseAgent(query.agent) } : {}),
          ...(query.verb !== undefined ? { verb: query.verb } : {}),
          ...(query.activity !== undefined ? { activity: query.activity } : {}),
          ...(query.registration !== undefined ? { registration: query.registration.toLowerCase() } : {}),
          ...(query.since !== undefined ? { since: query.since } : {}),
          ...(query.until !== undefined ? { until: query.until } : {}),
          ...(query.cursor !== undefined ? { after: parseCursor(query.cursor) } : {}),
          relatedAgents: query.related_agents,
          relatedActivities: query.related_activities,
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
        return answer(
          req,
          { statements: page.statements.map(shape), more },
          page.statements,
          query.attachments,
        );
      },
    }),
  ];
}
