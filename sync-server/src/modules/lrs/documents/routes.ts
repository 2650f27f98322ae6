import type { Request } from 'express';
import { parseJson } from '../../../http/json-depth.ts';
import { z } from 'zod';
import type { ErrorCode } from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';
import { Raw, route, type AnyRoute } from '../../../http/route.ts';
import type { LrsGate } from '../gate.ts';
import { isObject } from '../validation/check.ts';
import { checkPreconditions, etagOf, parseEtags, quoted } from './concurrency.ts';
import { ActivityIdParam, AgentParam, DocumentIdParam, SinceParam, parseAgentParam } from './params.ts';
import type { DocumentContext, DocumentKind, DocumentStore, StoredDocument } from './store.ts';

/** One of the three document resources (xAPI-Communication 2.2, 2.3, 2.6, 2.7). */
interface Resource {
  kind: DocumentKind;
  path: string;
  /** For operation ids: xapi<Verb><name>. */
  name: 'State' | 'ActivityProfile' | 'AgentProfile';
  idParam: 'stateId' | 'profileId';
  activity: boolean;
  agent: boolean;
  registration: boolean;
}

export const DOCUMENT_RESOURCES: Resource[] = [
  {
    kind: 'state',
    path: '/xapi/activities/state',
    name: 'State',
    idParam: 'stateId',
    activity: true,
    agent: true,
    registration: true,
  },
  {
    kind: 'activity_profile',
    path: '/xapi/activities/profile',
    name: 'ActivityProfile',
    idParam: 'profileId',
    activity: true,
    agent: false,
    registration: false,
  },
  {
    kind: 'agent_profile',
    path: '/xapi/agents/profile',
    name: 'AgentProfile',
    idParam: 'profileId',
    activity: false,
    agent: true,
    registration: false,
  },
];

/** The query of any document request, once checked (which keys are present depends on the resource). */
interface DocQuery {
  activityId?: string;
  agent?: string;
  registration?: string;
  stateId?: string;
  profileId?: string;
  since?: string;
}

/** The query schema of one resource and method: unknown parameters are refused (xAPI-Communication 3.2.s3.b7). */
function querySchema(r: Resource, id: 'required' | 'optional', since: boolean): z.ZodType<DocQuery> {
  const shape: Record<string, z.ZodType> = {};
  if (r.activity) shape.activityId = ActivityIdParam;
  if (r.agent) shape.agent = AgentParam;
  if (r.registration) shape.registration = z.uuid().optional();
  shape[r.idParam] = id === 'required' ? DocumentIdParam : DocumentIdParam.optional();
  if (since) shape.since = SinceParam.optional();
  return z.object(shape).strict() as unknown as z.ZodType<DocQuery>;
}

const JSON_TYPE = /^application\/json\b/i;
const DocumentBody = z
  .unknown()
  .meta({ description: 'The document: any content type (POST merges JSON objects into a JSON document).' });
const ERRORS: ErrorCode[] = [
  'unauthenticated',
  'invalid_credentials',
  'client_disabled',
  'forbidden',
  'xapi_version_unsupported',
  'validation_failed',
];

/** The request's document: its bytes and content type (the LRS reads document bodies raw). */
function documentBody(req: Request, body: unknown): { contentType: string; content: Buffer } {
  const contentType = req.get('content-type')?.trim() || 'application/octet-stream';
  const content = Buffer.isBuffer(body)
    ? body
    : body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(JSON.stringify(body));
  return { contentType, content };
}

function jsonObject(content: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = parseJson(content.toString('utf8'));
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('validation_failed', `${what} cannot be parsed as JSON`);
  }
  if (!isObject(v)) throw new ApiError('validation_failed', `${what} is not a JSON object`);
  return v;
}

/**
 * POST on an existing document (xAPI-Communication 2.2.s7): both documents application/json objects, the posted
 * top-level properties replace the existing ones; otherwise 400 and nothing changes.
 */
function merged(current: StoredDocument, contentType: string, content: Buffer): Buffer {
  if (!JSON_TYPE.test(current.contentType))
    throw new ApiError(
      'validation_failed',
      'The existing document is not application/json: it cannot be merged',
    );
  if (!JSON_TYPE.test(contentType))
    throw new ApiError('validation_failed', 'Only an application/json document can be merged by POST');
  const before = jsonObject(current.content, 'The existing document');
  const posted = jsonObject(content, 'The posted document');
  return Buffer.from(JSON.stringify({ ...before, ...posted }));
}

export interface DocumentRouteDeps {
  gate: LrsGate;
  store: DocumentStore;
}

/** PUT, POST, GET (and HEAD) and DELETE of the State, Activity Profile and Agent Profile resources. */
export function documentRoutes(d: DocumentRouteDeps): AnyRoute[] {
  return DOCUMENT_RESOURCES.flatMap((r) => resourceRoutes(d, r));
}

function resourceRoutes(d: DocumentRouteDeps, r: Resource): AnyRoute[] {
  const tags = ['xapi'];
  const isState = r.kind === 'state';
  const scope = [r.activity && 'activityId', r.agent && 'agent', r.registration && '[registration]']
    .filter(Boolean)
    .join(' + ');
  const auth =
    'HTTP Basic with xAPI client credentials, or an admin bearer token; X-Experience-API-Version 1.0.x.';

  function context(q: DocQuery): DocumentContext {
    return {
      kind: r.kind,
      activityId: r.activity ? q.activityId! : '',
      agent: r.agent ? parseAgentParam(q.agent!).key : '',
      registration: r.registration ? (q.registration?.toLowerCase() ?? '') : '',
    };
  }
  const idOf = (q: DocQuery) => (r.idParam === 'stateId' ? q.stateId : q.profileId);
  const preconditions = (req: Request) => ({
    ifMatch: parseEtags(req.get('if-match')),
    ifNoneMatch: parseEtags(req.get('if-none-match')),
  });

  return [
    route({
      method: 'put',
      path: r.path,
      operationId: `xapiPut${r.name}`,
      summary: `Store the ${r.idParam} document of ${scope}, any content type${isState ? '' : '; replacing an existing one needs If-Match (else 409)'}; If-Match/If-None-Match failures answer 412. ${auth}`,
      tags,
      access: 'public',
      query: querySchema(r, 'required', false),
      body: DocumentBody,
      response: null,
      status: 204,
      errors: [...ERRORS, 'document_conflict', 'precondition_failed'],
      handler: async ({ query, body, user, req, res }) => {
        await d.gate(req, res, user);
        const c = context(query);
        const doc = documentBody(req, body);
        if (JSON_TYPE.test(doc.contentType)) jsonText(doc.content);
        const pre = preconditions(req);
        await d.store.change(c, idOf(query)!, (current) => {
          checkPreconditions(current?.etag, pre, { put: true, stateResource: isState });
          return doc;
        });
      },
    }),
    route({
      method: 'post',
      path: r.path,
      operationId: `xapiPost${r.name}`,
      summary: `Store the ${r.idParam} document of ${scope}, or merge a JSON object into the existing JSON document (top-level properties). ${auth}`,
      tags,
      access: 'public',
      query: querySchema(r, 'required', false),
      body: DocumentBody,
      response: null,
      status: 204,
      errors: [...ERRORS, 'precondition_failed'],
      handler: async ({ query, body, user, req, res }) => {
        await d.gate(req, res, user);
        const c = context(query);
        const doc = documentBody(req, body);
        if (JSON_TYPE.test(doc.contentType)) jsonText(doc.content);
        const pre = preconditions(req);
        await d.store.change(c, idOf(query)!, (current) => {
          checkPreconditions(current?.etag, pre, { put: false, stateResource: isState });
          if (!current) return doc;
          return { contentType: 'application/json', content: merged(current, doc.contentType, doc.content) };
        });
      },
    }),
    route({
      method: 'get',
      path: r.path,
      operationId: `xapiGet${r.name}`,
      summary: `With ${r.idParam}: that document (ETag, Last-Modified, its own content type). Without: the ${r.idParam}s of ${scope}, updated after \`since\` (exclusive) when given. HEAD answers the headers. ${auth}`,
      tags,
      access: 'public',
      query: querySchema(r, 'optional', true),
      response: z.array(z.string()),
      errors: [...ERRORS, 'not_found'],
      handler: async ({ query, user, req, res }) => {
        await d.gate(req, res, user);
        const c = context(query);
        const id = idOf(query);
        if (id !== undefined) {
          const doc = await d.store.get(c, id);
          if (!doc) throw new ApiError('not_found', `No ${r.idParam} document ${JSON.stringify(id)} here`);
          return new Raw(doc.contentType, doc.content, {
            etag: quoted(doc.etag),
            'last-modified': doc.updated.toUTCString(),
          });
        }
        const list = await d.store.list(c, query.since);
        res.set('etag', quoted(etagOf(JSON.stringify(list.ids))));
        if (list.updated) res.set('last-modified', list.updated.toUTCString());
        return list.ids;
      },
    }),
    route({
      method: 'delete',
      path: r.path,
      operationId: `xapiDelete${r.name}`,
      summary: isState
        ? `Delete the stateId document of ${scope} (If-Match honoured: 412), or without stateId every state document of that context. ${auth}`
        : `Delete the profileId document of ${scope} (If-Match honoured: 412). ${auth}`,
      tags,
      access: 'public',
      query: querySchema(r, isState ? 'optional' : 'required', false),
      response: null,
      status: 204,
      errors: [...ERRORS, 'precondition_failed'],
      handler: async ({ query, user, req, res }) => {
        await d.gate(req, res, user);
        const c = context(query);
        const id = idOf(query);
        if (id === undefined) {
          await d.store.deleteAll(c);
          return;
        }
        const pre = preconditions(req);
        await d.store.change(c, id, (current) => {
          checkPreconditions(current?.etag, pre, { put: false, stateResource: isState });
          return 'delete';
        });
      },
    }),
  ];
}

/** A document sent as application/json must be JSON (xAPI-Communication 3.2.s3.b6: content matches its type). */
function jsonText(content: Buffer): void {
  try {
    JSON.parse(content.toString('utf8'));
  } catch {
    throw new ApiError('validation_failed', 'The document is sent as application/json but is not JSON');
  }
}
