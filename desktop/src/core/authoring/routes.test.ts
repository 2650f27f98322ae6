import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCall } from '../../test-support/devices.ts';
import { removeDir } from '../../test-support/sync-server.ts';
import { startCore, type Core } from '../core.ts';

/** The authoring routes' guard and input checks (no server needed: nothing here reaches it). */
let core: Core;
let dataDir: string;
type Failure = { error: { code: string } };

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-author-routes-'));
  core = await startCore({
    config: { serverUrl: 'http://127.0.0.1:9', dataDir, port: 0, requestTimeoutMs: 500 },
    rendererDir: null,
    sync: { autoStart: false, socket: false },
    downloads: { autoStart: false },
  });
});
afterAll(async () => {
  await core?.close();
  removeDir(dataDir);
});

const id = randomUUID();
const routes: [string, string, unknown?][] = [
  ['GET', '/api/teach/drafts'],
  ['POST', '/api/teach/drafts', { details: { title: 'T', subject: 'S' } }],
  ['GET', `/api/teach/drafts/${id}`],
  ['POST', `/api/teach/drafts/${id}/edits`, { name: 'deleteLesson', args: { lessonId: id } }],
  ['POST', `/api/teach/drafts/${id}/publish`],
  ['POST', `/api/teach/drafts/${id}/unpublish`],
  ['POST', `/api/teach/drafts/${id}/archive`],
  ['GET', '/api/teach/conflicts'],
  ['POST', `/api/teach/drafts/${id}/conflicts/${id}/resolve`, { choice: 'theirs' }],
];

describe('authoring routes', () => {
  it('refuse calls without the launch secret (401) and, signed out, answer signed_out', async () => {
    for (const [method, p, body] of routes) {
      const bare = await fetch(core.url + p, { method });
      expect(bare.status, `${method} ${p}`).toBe(401);
      const r = await localCall<Failure>(core, method, p, body);
      expect([r.status, r.body.error.code], `${method} ${p}`).toEqual([401, 'signed_out']);
    }
  });

  it('refuse bad input with validation_failed before anything else', async () => {
    const bad: [string, string, unknown?][] = [
      ['GET', '/api/teach/drafts/not-a-uuid'],
      ['POST', '/api/teach/drafts', { details: { title: '', subject: 'S' } }],
      ['POST', '/api/teach/drafts', { details: { title: 'T', subject: 'S', modules: [] } }],
      ['POST', `/api/teach/drafts/${id}/edits`, { name: 'createCourse', args: {} }],
      [
        'POST',
        `/api/teach/drafts/${id}/edits`,
        { name: 'updateLesson', args: { lessonId: id, patch: { colour: 1 } } },
      ],
      [
        'POST',
        `/api/teach/drafts/${id}/edits`,
        { name: 'addModule', args: { moduleId: id, title: 'M', baseVersion: 3 } },
      ],
      ['POST', `/api/teach/drafts/${id}/conflicts/${id}/resolve`, { choice: 'both' }],
      ['POST', `/api/teach/drafts/${id}/conflicts/${id}/resolve`, { choice: 'merge' }],
      ['POST', `/api/teach/drafts/${id}/conflicts/x/resolve`, { choice: 'mine' }],
    ];
    for (const [method, p, body] of bad) {
      const r = await localCall<Failure>(core, method, p, body);
      expect([r.status, r.body.error.code], `${method} ${p} ${JSON.stringify(body)}`).toEqual([
        400,
        'validation_failed',
      ]);
    }
    const wrong = await localCall<Failure>(core, 'DELETE', '/api/teach/drafts');
    expect(wrong.status).toBe(405);
  });
});
