import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from '@lyceum/contracts';
import type { TestServer } from '../harness.ts';

/** Who sends a request: the Authorization header it carries (none for anonymous). */
export interface Caller {
  kind: string;
  authorization: () => string | undefined;
}

type UserRow = Awaited<ReturnType<TestServer['server']['identity']['accounts']['createUser']>>;

/**
 * Every kind of caller the fuzzer impersonates: anonymous, a student, an instructor, an admin (each with a token
 * minted again before each operation, since the fuzz may sign them out), an xAPI client over Basic auth, and bogus
 * credentials: an expired token, a token signed with another key, `alg: none`, garbage, a wrong Basic secret.
 */
export async function makeCallers(t: TestServer): Promise<{
  callers: Caller[];
  /** Mint fresh sessions for the signed-in callers (an operation may have revoked them). */
  refresh: () => Promise<void>;
  ids: string[];
}> {
  const rows: Record<Exclude<Role, never>, UserRow> = {} as never;
  const tokens: Record<string, string> = {};
  for (const role of ['student', 'instructor', 'admin'] as const)
    rows[role] = await t.server.identity.accounts.createUser({
      email: `fuzz-${role}-${randomBytes(4).toString('hex')}@example.test`,
      password: 'Correct-Horse-42-fuzz',
      name: `Fuzz ${role}`,
      role,
    });
  const refresh = async () => {
    for (const role of ['student', 'instructor', 'admin'] as const)
      tokens[role] = (await t.server.identity.sessions.issue(rows[role])).accessToken;
  };
  await refresh();
  const xapi = await t.server.collector.xapiClients.create('fuzz tool', rows.admin.id);
  const basic = (key: string, secret: string) =>
    `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
  const key = new TextEncoder().encode(t.server.config.JWT_SECRET!);
  const expired = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(rows.admin.id)
    .setIssuer('lyceum')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
    .sign(key);
  const otherKey = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(rows.admin.id)
    .setIssuer('lyceum')
    .setExpirationTime('1h')
    .sign(randomBytes(32));
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: rows.admin.id, role: 'admin', iss: 'lyceum', exp: 9e9 })}.`;
  const bearer = (tok: string) => () => `Bearer ${tok}`;
  return {
    refresh,
    ids: [rows.student.id, rows.instructor.id, rows.admin.id, xapi.id],
    callers: [
      { kind: 'anonymous', authorization: () => undefined },
      { kind: 'student', authorization: () => `Bearer ${tokens.student}` },
      { kind: 'instructor', authorization: () => `Bearer ${tokens.instructor}` },
      { kind: 'admin', authorization: () => `Bearer ${tokens.admin}` },
      { kind: 'xapi-client', authorization: () => basic(xapi.key, xapi.secret) },
      { kind: 'xapi-wrong-secret', authorization: () => basic(xapi.key, 'wrong') },
      { kind: 'expired-token', authorization: bearer(expired) },
      { kind: 'foreign-key-token', authorization: bearer(otherKey) },
      { kind: 'alg-none-token', authorization: bearer(algNone) },
      { kind: 'garbage-token', authorization: bearer('x'.repeat(2000)) },
      { kind: 'malformed-header', authorization: () => 'Bearer' },
    ],
  };
}
