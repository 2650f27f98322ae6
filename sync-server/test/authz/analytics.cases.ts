import { randomUUID } from 'node:crypto';
import { LYCEUM_ACCOUNT_HOME, VERBS, activityIri } from '@lyceum/contracts';
import type { Case, World } from './matrix.ts';
import { adminOnly, ownerOrAdmin, signedIn } from './matrix.ts';

/**
 * Analytics: the desktop batch upload is any signed-in user's (their own events); the xAPI resource is in lrs.cases.ts;
 * insights are admins' for the platform and instructors' for a course they teach.
 */
const stmt = (name: string) => ({
  id: randomUUID(),
  actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name } },
  verb: { id: VERBS.opened },
  object: { id: activityIri.course(randomUUID()) },
});
const courseQuery = (w: World) => ({ query: { courseId: w.course.id, last: '7d' } });

const figures = ['Overview', 'Daily', 'Funnel', 'Lessons', 'Questions', 'Engagement', 'Ratings'] as const;

export const analyticsCases: Record<string, Case> = {
  uploadLearningEvents: {
    request: (w, who) => ({
      body: {
        deviceId: 'authz',
        sentAt: new Date().toISOString(),
        statements: [stmt(who === 'anon' ? 'x' : w.accounts[who].id)],
      },
    }),
    expect: signedIn(200),
  },
  listDeadLetters: { request: () => ({ query: { limit: '5' } }), expect: adminOnly(200) },
  createXapiClient: { request: () => ({ body: { name: 'authz walk' } }), expect: adminOnly(201) },
  listXapiClients: { request: () => ({}), expect: adminOnly(200) },
  disableXapiClient: {
    request: async (w) => ({
      params: { id: (await w.t.server.collector.xapiClients.create('authz', w.accounts.admin.id)).id },
    }),
    expect: adminOnly(204),
  },
  analyticsDashboard: { request: courseQuery, expect: ownerOrAdmin(200) },
  ...Object.fromEntries(
    figures.map((f) => [`analytics${f}`, { request: courseQuery, expect: ownerOrAdmin(200) } satisfies Case]),
  ),
  analyticsStudent: {
    request: (w) => ({ params: { actor: w.accounts.student.id }, ...courseQuery(w) }),
    expect: ownerOrAdmin(200),
  },
  analyticsMe: { request: () => ({ query: { last: '30d' } }), expect: signedIn(200) },
};
