import type { Case } from './matrix.ts';
import { everyone, signedIn } from './matrix.ts';

/** Deadlines and the calendar feed (notifications/schedule, notifications/calendar). */
export const scheduleCases: Record<string, Case> = {
  listMyDeadlines: { request: () => ({ query: {} }), expect: signedIn(200) },
  getCalendarLink: { request: () => ({}), expect: signedIn(200) },
  // Public: the signed token in the URL names the user (a calendar app cannot sign in); forged ones are tested in
  // calendar.test.ts.
  getCalendarFeed: {
    request: async (w) => ({
      query: { token: (await w.t.server.schedule.tokens.sign(w.accounts.student.id)).token },
    }),
    expect: everyone(200),
  },
};
