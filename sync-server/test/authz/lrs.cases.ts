import { randomUUID } from 'node:crypto';
import type { Case, Expect } from './matrix.ts';

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

export const lrsCases: Record<string, Case> = {
  xapiPutStatement: { request: () => ({ query: { statementId: randomUUID() }, body: stmt() }), expect: xapi },
  xapiPostStatements: { request: () => ({ body: stmt() }), expect: xapi },
  xapiGetStatements: { request: () => ({ query: { limit: '1' } }), expect: xapi },
};
