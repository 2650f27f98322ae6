import type pg from 'pg';
import { z } from 'zod';
import { route, type AnyRoute } from '../../../http/route.ts';
import type { LrsGate } from '../gate.ts';
import { MAX_XAPI_BATCH } from '../statements/routes.ts';
import { etagOf, quoted } from '../documents/concurrency.ts';
import { ActivityIdParam, AgentParam, parseAgentParam } from '../documents/params.ts';
import { canonicalDefinitions } from './definitions.ts';

/** The xAPI versions this LRS answers to (the gate accepts 1.0.x; 1.0.3 is the one it conforms to). */
export const XAPI_VERSIONS = ['1.0.3', '1.0.2', '1.0.1', '1.0.0'];
/** How many of an Agent's latest statements its Person object gathers names from. */
const NAME_WINDOW = 200;

const ERRORS = [
  'unauthenticated',
  'invalid_credentials',
  'client_disabled',
  'forbidden',
  'xapi_version_unsupported',
  'validation_failed',
] as const;

const About = z.object({ version: z.array(z.string()), extensions: z.record(z.string(), z.unknown()) });
const Person = z.object({
  objectType: z.literal('Person'),
  name: z.array(z.string()).optional(),
  mbox: z.array(z.string()).optional(),
  mbox_sha1sum: z.array(z.string()).optional(),
  openid: z.array(z.string()).optional(),
  account: z.array(z.object({ homePage: z.string(), name: z.string() })).optional(),
});
const Activity = z.object({
  objectType: z.literal('Activity'),
  id: z.string(),
  definition: z.record(z.string(), z.unknown()).optional(),
});

export interface DirectoryRouteDeps {
  gate: LrsGate;
  pool: pg.Pool;
  homePage: () => string;
}

/** The About, Agents (Person object) and Activities (canonical definition) resources (xAPI-Communication 2.4, 2.5, 2.8). */
export function directoryRoutes(d: DirectoryRouteDeps): AnyRoute[] {
  const auth =
    'HTTP Basic with xAPI client credentials, or an admin bearer token; X-Experience-API-Version 1.0.x.';
  const tags = ['xapi'];
  return [
    route({
      method: 'get',
      path: '/xapi/about',
      operationId: 'xapiAbout',
      summary:
        'The xAPI versions this LRS supports and its extensions. No credentials needed; the version header is not checked.',
      tags,
      access: 'public',
      query: z.object({}).strict(),
      response: About,
      handler: async ({ res }) => {
        const body = {
          version: XAPI_VERSIONS,
          extensions: {
            [`${d.homePage().replace(/\/$/, '')}/xapi/about/limits`]: {
              statementsPerRequest: MAX_XAPI_BATCH,
              statementsPerPage: 500,
            },
          },
        };
        res.set('etag', quoted(etagOf(JSON.stringify(body))));
        return body;
      },
    }),
    route({
      method: 'get',
      path: '/xapi/agents',
      operationId: 'xapiGetPerson',
      summary: `The Person object of an Agent: its identifier and the names it was given in statements (this LRS links no other identities to it). ${auth}`,
      tags,
      access: 'public',
      query: z.object({ agent: AgentParam }).strict(),
      response: Person,
      errors: [...ERRORS],
      handler: async ({ query, user, req, res }) => {
        await d.gate(req, res, user);
        const { agent, key } = parseAgentParam(query.agent);
        const { rows } = await d.pool.query<{ name: string }>(
          `SELECT DISTINCT name FROM (
             SELECT statement->'actor'->>'name' AS name FROM lrs.statements
              WHERE related_agents @> ARRAY[$1]::text[] AND actor = $1 ORDER BY stored DESC LIMIT $2) s
            WHERE name IS NOT NULL ORDER BY name`,
          [key, NAME_WINDOW],
        );
        const names = [
          ...new Set([...(typeof agent.name === 'string' ? [agent.name] : []), ...rows.map((r) => r.name)]),
        ];
        const person: z.input<typeof Person> = { objectType: 'Person' };
        if (names.length) person.name = names;
        if (typeof agent.mbox === 'string') person.mbox = [agent.mbox];
        if (typeof agent.mbox_sha1sum === 'string') person.mbox_sha1sum = [agent.mbox_sha1sum];
        if (typeof agent.openid === 'string') person.openid = [agent.openid];
        const account = agent.account as { homePage: string; name: string } | undefined;
        if (account) person.account = [{ homePage: account.homePage, name: account.name }];
        res.set('etag', quoted(etagOf(JSON.stringify(person))));
        return person;
      },
    }),
    route({
      method: 'get',
      path: '/xapi/activities',
      operationId: 'xapiGetActivity',
      summary: `The Activity object with the LRS's canonical definition, merged from the statements about it (an unknown Activity: its id only). ${auth}`,
      tags,
      access: 'public',
      query: z.object({ activityId: ActivityIdParam }).strict(),
      response: Activity,
      errors: [...ERRORS],
      handler: async ({ query, user, req, res }) => {
        await d.gate(req, res, user);
        const id = query.activityId;
        const definition = (await canonicalDefinitions(d.pool, [id])).get(id);
        const activity: z.input<typeof Activity> = {
          objectType: 'Activity',
          id,
          ...(definition ? { definition } : {}),
        };
        res.set('etag', quoted(etagOf(JSON.stringify(activity))));
        return activity;
      },
    }),
  ];
}
