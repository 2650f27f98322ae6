import type { Case } from './matrix.ts';
import { adminOnly, everyone, signedIn, unique } from './matrix.ts';

const strong = 'Sturdy-Passw0rd-42';

export const identityCases: Record<string, Case> = {
  signup: {
    request: () => ({
      body: { email: `${unique('new')}@example.test`, password: strong, name: 'New Person' },
    }),
    expect: everyone(201),
  },
  login: {
    request: (w) => ({ body: { email: w.accounts.student.email, password: w.accounts.student.password } }),
    expect: everyone(200),
  },
  refresh: {
    request: async (w) => {
      const s = await w.t.server.identity.sessions.issue(
        (await w.t.server.identity.accounts.findById(w.accounts.student.id))!,
      );
      return { body: { refreshToken: s.refreshToken } };
    },
    expect: everyone(200),
  },
  logout: {
    request: async (w) => {
      const s = await w.t.server.identity.sessions.issue(
        (await w.t.server.identity.accounts.findById(w.accounts.student.id))!,
      );
      return { body: { refreshToken: s.refreshToken } };
    },
    expect: everyone(204),
  },
  requestPasswordReset: {
    request: (w) => ({ body: { email: w.accounts.otherStudent.email } }),
    expect: everyone(202),
  },
  confirmPasswordReset: {
    request: async (w) => {
      const email = `${unique('reset')}@example.test`;
      await w.t.server.identity.accounts.createUser({ email, password: strong, name: 'Resetter' });
      w.t.server.identity.accounts.requestPasswordReset(email);
      // Queued (answered before the work): wait for its email, not the last one sent before it.
      await w.t.server.identity.accounts.resetRequestsIdle();
      const token = /token=([\w-]+)/.exec(w.t.mail.at(-1)!.text)![1]!;
      return { body: { token, password: 'Another-Sturdy-9' } };
    },
    expect: everyone(204),
  },
  getMe: { request: () => ({}), expect: signedIn(200) },
  updateMe: { request: () => ({ body: { bio: 'Learning every day' } }), expect: signedIn(200) },
  changePassword: {
    // Same password in and out, so later cases can still log in with it.
    request: (w, who) => {
      const pw = who === 'anon' ? strong : w.accounts[who].password;
      return { body: { currentPassword: pw, newPassword: pw } };
    },
    expect: signedIn(200),
  },
  getPreferences: { request: () => ({}), expect: signedIn(200) },
  putPreferences: {
    request: async (w) => ({
      body: await w.t.server.identity.accounts.getPreferences(w.accounts.student.id),
    }),
    expect: signedIn(200),
  },
  listUsers: { request: () => ({ query: { q: 'student', limit: '5' } }), expect: adminOnly(200) },
  getUser: { request: (w) => ({ params: { id: w.accounts.student.id } }), expect: adminOnly(200) },
  updateUser: {
    request: (w) => ({ params: { id: w.accounts.otherStudent.id }, body: { disabled: false } }),
    expect: adminOnly(200),
  },
};
