import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail } from '@lyceum/contracts';
import {
  startSyncServer,
  removeDir,
  type Account,
  type CourseInput,
  type SyncServerProcess,
} from '../test-support/sync-server.ts';
import { startCore, type Core } from './core.ts';
import { localCall } from '../test-support/devices.ts';
import type { CatalogPage, Connectivity, CourseView, SessionState } from '../contracts/app.ts';

let server: SyncServerProcess;
let core: Core;
let dataDir: string;
let student: Account;
const courses: CourseDetail[] = [];

const course = (over: CourseInput): CourseInput => ({
  description: `${over.title}: a course for the desktop tests.`,
  modules: [
    {
      title: 'Start',
      lessons: [
        { title: 'Welcome', kind: 'text', body: 'Hello', isPreview: true },
        { title: 'More', kind: 'text', body: 'More text' },
      ],
    },
  ],
  ...over,
});

const local = <T>(method: string, p: string, body?: unknown) => localCall<T>(core, method, p, body);

const openCore = () =>
  startCore({
    config: { serverUrl: server.url, dataDir, port: 0, requestTimeoutMs: 3000 },
    rendererDir: null,
  });
const ids = (p: { items: { id: string }[] }) => p.items.map((i) => i.id);

beforeAll(async () => {
  server = await startSyncServer();
  const teacher = await server.user('instructor', 'Grace Hopper');
  courses.push(
    await server.publishedCourse(
      teacher,
      course({
        title: 'Python for data science',
        subject: 'Programming',
        tags: ['python'],
        level: 'beginner',
      }),
    ),
    await server.publishedCourse(
      teacher,
      course({
        title: 'Advanced statistics',
        subject: 'Mathematics',
        level: 'advanced',
        price: { amountCents: 4900, currency: 'USD' },
      }),
    ),
    await server.publishedCourse(
      teacher,
      course({ title: 'Introduction à la cuisine', subject: 'Cooking', language: 'fr', level: 'beginner' }),
    ),
  );
  student = await server.user('student', 'Sam Student');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-desktop-core-'));
  core = await openCore();
});

afterAll(async () => {
  await core?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
  if (dataDir) removeDir(dataDir);
});

describe('desktop core against a real sync server', () => {
  it("passes the server's refusal of a wrong password through", async () => {
    const r = await local<{ error: { code: string } }>('POST', '/api/session', {
      email: student.email,
      password: 'Wrong-password-1',
    });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('invalid_credentials');
  });

  it('signs in online and keeps the tokens sealed on disk', async () => {
    const r = await local<SessionState>('POST', '/api/session', {
      email: student.email,
      password: student.password,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      signedIn: true,
      offline: false,
      user: { id: student.id, email: student.email },
    });
    const raw = core.store.sqlite.prepare('SELECT * FROM identity').get() as Record<string, string>;
    expect(raw.refresh_token_enc).toMatch(/^gcm1:/);
    expect(raw.access_token_enc).toMatch(/^gcm1:/);
    const dbText = ['lyceum.db', 'lyceum.db-wal']
      .map((f) => path.join(dataDir, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f).toString('latin1'))
      .join('');
    const token = await core.session.accessToken();
    expect(token).toBeTruthy();
    expect(dbText.includes(token!)).toBe(false);
  });

  it('answers who-am-I online from the server', async () => {
    const r = await local<SessionState>('GET', '/api/session');
    expect(r.body).toMatchObject({ signedIn: true, offline: false, user: { name: 'Sam Student' } });
    expect(r.body.connectivity.online).toBe(true);
  });

  it("searches the catalog online with the server's filters and caches what it saw", async () => {
    for (const q of ['', '?q=python', '?level=beginner', '?price=paid', '?language=fr', '?sort=popularity']) {
      const mine = await local<CatalogPage>('GET', `/api/catalog${q}`);
      const theirs = await server.api<CatalogPage>('GET', `/api/v1/courses${q}`);
      expect(mine.status).toBe(200);
      expect(mine.body.source).toBe('server');
      expect(ids(mine.body)).toEqual(ids(theirs.body));
      expect(mine.body.facets).toEqual(theirs.body.facets);
    }
    const all = await local<CatalogPage>('GET', '/api/catalog');
    expect(all.body.items).toHaveLength(3);
    expect(all.body.cachedCount).toBe(3);
  });

  it('pages with its own cursor', async () => {
    const first = await local<CatalogPage>('GET', '/api/catalog?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await local<CatalogPage>('GET', `/api/catalog?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect(new Set([...ids(first.body), ...ids(second.body)]).size).toBe(3);
  });

  it('opens a course online and caches its structure', async () => {
    const r = await local<CourseView>('GET', `/api/catalog/${courses[0]!.id}`);
    expect(r.body.source).toBe('server');
    expect(r.body.course.modules[0]?.lessons.map((l) => l.title)).toEqual(['Welcome', 'More']);
    expect(r.body.course.instructors[0]?.name).toBe('Grace Hopper');
  });

  it('refreshes an expired access token with the refresh token (and the server rotates it)', async () => {
    const before = core.store.sqlite.prepare('SELECT refresh_token_enc FROM identity').get() as {
      refresh_token_enc: string;
    };
    const oldRefresh = (await import('./secret-box.ts'))
      .fileKeySecretBox(dataDir)
      .decrypt(before.refresh_token_enc);
    core.store.sqlite.prepare("UPDATE identity SET access_expires_at = '2000-01-01T00:00:00.000Z'").run();
    const r = await local<SessionState>('GET', '/api/session');
    expect(r.body).toMatchObject({ signedIn: true, offline: false });
    const after = core.store.sqlite
      .prepare('SELECT refresh_token_enc, access_expires_at FROM identity')
      .get() as Record<string, string>;
    expect(after.refresh_token_enc).not.toBe(before.refresh_token_enc);
    expect(Date.parse(after.access_expires_at!)).toBeGreaterThan(Date.now());
    // The old refresh token was rotated away on the server (looked up, not replayed: a replay would end the session).
    const rotated = await server.sql(
      "SELECT rotated_at IS NOT NULL AS rotated FROM refresh_tokens WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
      [oldRefresh],
    );
    expect(rotated).toEqual([{ rotated: true }]);
  });

  it('works offline from the cache once the server stops', async () => {
    const online = await local<CatalogPage>('GET', '/api/catalog');
    await server.stop();

    const who = await local<SessionState>('GET', '/api/session');
    expect(who.body).toMatchObject({ signedIn: true, offline: true, user: { id: student.id } });

    const all = await local<CatalogPage>('GET', '/api/catalog');
    expect(all.body).toMatchObject({ source: 'cache', offline: true, cachedCount: 3 });
    expect(ids(all.body)).toEqual(ids(online.body));
    expect(all.body.facets).toEqual(online.body.facets);
    expect(all.body.syncedAt).not.toBeNull();

    const python = await local<CatalogPage>('GET', '/api/catalog?q=pyth');
    expect(python.body.items.map((i) => i.title)).toEqual(['Python for data science']);
    const paid = await local<CatalogPage>('GET', '/api/catalog?price=paid');
    expect(paid.body.items.map((i) => i.title)).toEqual(['Advanced statistics']);
    expect(paid.body.facets.price).toEqual([
      { value: 'free', count: 2 },
      { value: 'paid', count: 1 },
    ]);

    const opened = await local<CourseView>('GET', `/api/catalog/${courses[0]!.id}`);
    expect(opened.body).toMatchObject({ source: 'cache', offline: true });
    expect(opened.body.course.title).toBe('Python for data science');
    const never = await local<{ error: { code: string } }>('GET', `/api/catalog/${courses[2]!.id}`);
    expect(never.status).toBe(404);
    expect(never.body.error.code).toBe('not_cached');

    const status = await local<Connectivity>('GET', '/api/status');
    expect(status.body.online).toBe(false);
    expect(status.body.lastContactAt).not.toBeNull();
    expect(status.body.lastError).toBeTruthy();

    // Signing in again offline is checked against the password verifier stored at the online sign-in; the session
    // (and its tokens) stays as it was.
    const wrong = await local<{ error: { code: string } }>('POST', '/api/session', {
      email: student.email,
      password: 'Not-The-Password-0',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const signIn = await local<SessionState>('POST', '/api/session', {
      email: student.email,
      password: student.password,
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatchObject({ signedIn: true, offline: true, syncSignInRequired: false });
  });

  it('opens again offline as the cached user after a restart', async () => {
    await core.close();
    core = await openCore();
    const who = await local<SessionState>('GET', '/api/session');
    expect(who.body).toMatchObject({ signedIn: true, offline: true, user: { email: student.email } });
    expect(who.body.connectivity.lastContactAt).not.toBeNull();
    const all = await local<CatalogPage>('GET', '/api/catalog?sort=newest');
    expect(all.body.items).toHaveLength(3);
  });

  it('goes back online when the server returns', async () => {
    await server.restart();
    await new Promise((r) => setTimeout(r, 3100));
    const status = await local<Connectivity>('GET', '/api/status');
    expect(status.body.online).toBe(true);
    const all = await local<CatalogPage>('GET', '/api/catalog');
    expect(all.body.source).toBe('server');
  });

  it('ends the session when the server refuses the refresh token, and says so', async () => {
    const sealed = core.store.sqlite.prepare('SELECT refresh_token_enc FROM identity').get() as {
      refresh_token_enc: string;
    };
    const refresh = (await import('./secret-box.ts'))
      .fileKeySecretBox(dataDir)
      .decrypt(sealed.refresh_token_enc);
    expect(
      (await server.api('POST', '/api/v1/auth/logout', { body: { refreshToken: refresh } })).status,
    ).toBe(204);
    core.store.sqlite.prepare("UPDATE identity SET access_expires_at = '2000-01-01T00:00:00.000Z'").run();
    const r = await local<SessionState>('GET', '/api/session');
    expect(r.body).toMatchObject({ signedIn: false, user: null, notice: 'session_expired' });
  });

  it('signs out: identity goes; the student details stay for them (sync/account-data.test.ts), the catalog too', async () => {
    const again = await local<SessionState>('POST', '/api/session', {
      email: student.email,
      password: student.password,
    });
    expect(again.body.signedIn).toBe(true);
    await local('GET', `/api/catalog/${courses[1]!.id}`);
    const out = await local<SessionState>('DELETE', '/api/session');
    expect(out.body).toMatchObject({ signedIn: false, user: null, notice: null });
    expect(core.store.sqlite.prepare('SELECT count(*) AS n FROM identity').get()).toEqual({ n: 0 });
    // Kept for this student's next sign-in (the sync cursor still matches them); never shown to another account.
    expect(
      core.store.sqlite.prepare('SELECT viewer_id FROM course_details WHERE id = ?').get(courses[1]!.id),
    ).toEqual({ viewer_id: student.id });
    expect(core.store.sqlite.prepare('SELECT count(*) AS n FROM course_summaries').get()).toEqual({ n: 3 });
  });
});
