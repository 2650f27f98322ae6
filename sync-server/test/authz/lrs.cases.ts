import { randomUUID } from 'node:crypto';
import { everyone, type Case, type Expect } from './matrix.ts';

/**
 * The xAPI LRS (/xapi): xAPI client credentials (HTTP Basic) or an admin's token. The walk sends Bearer tokens and
 * no X-Experience-API-Version header, so an admin gets past authentication and stops at the version check (400).
 */
export const xapi: Expect = {
  anon: 401,
  student: 403,
  otherStudent: 403,
  instructor: 403,
  owner: 403,
  admin: 400,
};
const stmt = () => ({
  id: randomUUID(),
  actor: { mbox: 'mailto:authz@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
  object: { id: 'http://example.org/authz' },
});

const authzAgent = JSON.stringify({ mbox: 'mailto:authz@example.org' });

export const lrsCases: Record<string, Case> = {
  xapiPutStatement: { request: () => ({ query: { statementId: randomUUID() }, body: stmt() }), expect: xapi },
  xapiPostStatements: { request: () => ({ body: stmt() }), expect: xapi },
  xapiGetStatements: { request: () => ({ query: { limit: '1' } }), expect: xapi },
  // Document resources, Agents, Activities (X-documents); About is open to anyone.
  ...documentCases(),
  xapiGetPerson: { request: () => ({ query: { agent: authzAgent } }), expect: xapi },
  xapiGetActivity: { request: () => ({ query: { activityId: 'http://example.org/authz' } }), expect: xapi },
  xapiAbout: { request: () => ({}), expect: everyone(200) },
};

/** PUT, POST, GET, DELETE of the State, Activity Profile and Agent Profile resources. */
function documentCases(): Record<string, Case> {
  const contexts = {
    State: { activityId: 'http://example.org/authz', agent: authzAgent, stateId: 's' },
    ActivityProfile: { activityId: 'http://example.org/authz', profileId: 'p' },
    AgentProfile: { agent: authzAgent, profileId: 'p' },
  };
  const cases: Record<string, Case> = {};
  for (const [name, query] of Object.entries(contexts)) {
    cases[`xapiPut${name}`] = { request: () => ({ query, body: { a: 1 } }), expect: xapi };
    cases[`xapiPost${name}`] = { request: () => ({ query, body: { a: 1 } }), expect: xapi };
    cases[`xapiGet${name}`] = { request: () => ({ query }), expect: xapi };
    cases[`xapiDelete${name}`] = { request: () => ({ query }), expect: xapi };
  }
  return cases;
}
