import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LYCEUM_ACCOUNT_HOME, VERBS, activityIri } from '@lyceum/contracts';
import { newId } from '../../../../lib/ids.ts';
import { TOPICS } from '../../stream/port.ts';
import { startDropFolder, type DropFolder, type FileOutcome } from './drop-folder.ts';
import { emailResolver } from './flat-event.ts';
import { startCollectorSources } from './index.ts';
import { silent, spyIngest, startSourcesTest, until, type SourcesTest } from './test-support.ts';

let s: SourcesTest;
let root: string;
beforeAll(async () => {
  s = await startSourcesTest();
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-drop-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await s.close();
});

const COURSE = newId();
const LESSON = newId();
const SETTLE = 120;
let dirs = 0;
const pool = () => s.t.server.database.pool;

async function folder(
  opts: { ingest?: SourcesTest['collector']['ingest']; batch?: number; dir?: string } = {},
) {
  const dir = opts.dir ?? path.join(root, `inbox-${++dirs}`);
  const f = startDropFolder(
    {
      pool: pool(),
      ingest: opts.ingest ?? s.collector.ingest,
      logger: silent,
      resolveEmails: emailResolver(s.t.server.identity.accounts),
    },
    { dir, settleMs: SETTLE, watch: false, ...(opts.batch ? { batch: opts.batch } : {}) },
  );
  await f.scanNow();
  return { f, dir, done: path.join(dir, 'done'), failed: path.join(dir, 'failed') };
}
/** Scan until the files have settled: the first look starts their clock. */
async function settleScan(f: DropFolder): Promise<FileOutcome[]> {
  const first = await f.scanNow();
  await new Promise((r) => setTimeout(r, SETTLE + 30));
  return [...first, ...(await f.scanNow())];
}
const ls = async (dir: string) =>
  (await fs.readdir(dir)).filter((n) => n !== 'done' && n !== 'failed').sort();
const statement = (userId: string, over: Record<string, unknown> = {}) => ({
  id: newId(),
  actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: userId } },
  verb: { id: VERBS.opened },
  object: { id: activityIri.lesson(COURSE, LESSON) },
  timestamp: '2026-02-01T10:00:00.000Z',
  ...over,
});
const published = () => s.stream.events(TOPICS.learning);
const importedRows = async (sha: string) =>
  (
    await pool().query(
      'SELECT name, lines, accepted, rejected FROM analytics.imported_files WHERE sha256 = $1',
      [sha],
    )
  ).rows;

describe('the drop folder', () => {
  it('imports an NDJSON file once, dead-letters bad lines by line number, and never imports it again', async () => {
    const { f, dir, done } = await folder();
    const user = newId();
    const withId = statement(user);
    const { id: _omit, ...withoutId } = statement(user, { verb: { id: VERBS.completed } });
    const text = [
      JSON.stringify(withId),
      JSON.stringify(withoutId),
      '',
      'not json at all',
      JSON.stringify(statement(user, { verb: { id: 'teleported' } })),
    ].join('\n');
    await fs.writeFile(path.join(dir, 'day1.ndjson'), text);
    const [outcome] = await settleScan(f);
    expect(outcome).toMatchObject({ name: 'day1.ndjson', status: 'imported', lines: 4 });
    expect(outcome!.counts).toEqual({ accepted: 2, duplicates: 0, rejected: 2 });
    expect(await ls(dir)).toEqual([]);
    expect(await fs.readdir(done)).toEqual(['day1.ndjson']);
    const mine = published().filter((e) => e.actor === user);
    expect(mine.map((e) => e.verb)).toEqual(['opened', 'completed']);
    expect(mine[0]!.id).toBe(withId.id);
    expect(mine.every((e) => e.source === 'file')).toBe(true);
    const dead = (await s.deadLetters('file')).filter((d) => d.origin.startsWith('day1.ndjson:'));
    expect(dead.map((d) => d.origin)).toEqual(['day1.ndjson:4', 'day1.ndjson:5']);
    expect(dead[0]!.payload).toBe('not json at all');
    expect(dead[1]!.reason).toMatch(/^verb\.id/);
    expect(await importedRows(outcome!.sha256!)).toEqual([
      { name: 'day1.ndjson', lines: 4, accepted: 2, rejected: 2 },
    ]);

    // A crash between the checkpoint and the move leaves the file in the inbox: recognised by its checksum.
    const spy = spyIngest(s.collector.ingest);
    const restarted = await folder({ dir, ingest: spy.ingest });
    await fs.copyFile(path.join(done, 'day1.ndjson'), path.join(dir, 'day1.ndjson'));
    await fs.copyFile(path.join(done, 'day1.ndjson'), path.join(dir, 'copy-of-day1.ndjson'));
    const again = await settleScan(restarted.f);
    expect(again.map((o) => [o.name, o.status]).sort()).toEqual([
      ['copy-of-day1.ndjson', 'already_imported'],
      ['day1.ndjson', 'already_imported'],
    ]);
    expect(spy.calls).toEqual([]);
    expect(await ls(dir)).toEqual([]);
    expect(await fs.readdir(done)).toHaveLength(3);
    expect(published().filter((e) => e.actor === user)).toHaveLength(2);
    await Promise.all([f.stop(), restarted.f.stop()]);
  });

  it('imports a CSV file by its header, resolving emails of Lyceum users', async () => {
    const { f, dir } = await folder();
    const student = await s.t.user('student');
    const q = 'q-1';
    const rows = [
      'ID,actor_email,actor_id,verb,course_id,lesson_id,question_id,timestamp,success,score,duration,response',
      `,${student.email},,answered,${COURSE},${LESSON},${q},2026-02-01 10:00:00,yes,2,90,"4, of course"`,
      `${newId()},,${student.id},passed,${COURSE},${LESSON},,2026-02-01T10:05:00+01:00,true,8,PT5M,`,
      `,${student.email},,opened,${COURSE},${LESSON},,yesterday,,,,`,
      `,${student.email},,opened,${COURSE}`,
      `,${student.email},,opened,,${LESSON},,,,,,`,
    ];
    await fs.writeFile(path.join(dir, 'export.csv'), `\uFEFF${rows.join('\r\n')}\r\n`);
    const [outcome] = await settleScan(f);
    expect(outcome).toMatchObject({ status: 'imported', lines: 5, counts: { accepted: 2, rejected: 3 } });
    const mine = published().filter((e) => e.actor === student.id);
    expect(
      mine.map((e) => [e.verb, e.questionId, e.success, e.scoreRaw, e.durationSeconds, e.timestamp]),
    ).toEqual([
      ['answered', q, true, 2, 90, '2026-02-01T10:00:00.000Z'],
      ['passed', null, true, 8, 300, '2026-02-01T09:05:00.000Z'],
    ]);
    expect((await s.collector.statements.byId(mine[0]!.id))?.result?.response).toBe('4, of course');
    const dead = (await s.deadLetters('file')).filter((d) => d.origin.startsWith('export.csv:'));
    expect(dead.map((d) => d.origin)).toEqual(['export.csv:4', 'export.csv:5', 'export.csv:6']);
    expect(dead[0]!.reason).toMatch(/^timestamp/);
    expect(dead[1]!.payload).toMatchObject({ error: 'expected 12 fields as in the header, found 5' });
    expect(dead[2]!.reason).toMatch(/^object\.id/);
    await f.stop();
  });

  it('takes only complete files: not while they grow, not *.part or dotfiles', async () => {
    const { f, dir } = await folder();
    const user = newId();
    const line = () => `${JSON.stringify(statement(user))}\n`;
    await fs.writeFile(path.join(dir, 'upload.ndjson.part'), line());
    await fs.writeFile(path.join(dir, '.hidden.ndjson'), line());
    await fs.writeFile(path.join(dir, 'growing.ndjson'), line());
    expect(await f.scanNow()).toEqual([]); // just seen
    await new Promise((r) => setTimeout(r, SETTLE + 30));
    await fs.appendFile(path.join(dir, 'growing.ndjson'), line());
    expect(await f.scanNow()).toEqual([]); // it changed: the clock starts again
    await fs.rename(path.join(dir, 'upload.ndjson.part'), path.join(dir, 'upload.ndjson'));
    const outcomes = await settleScan(f);
    expect(outcomes.map((o) => [o.name, o.status, o.lines]).sort()).toEqual([
      ['growing.ndjson', 'imported', 2],
      ['upload.ndjson', 'imported', 1],
    ]);
    expect(await ls(dir)).toEqual(['.hidden.ndjson']);
    await f.stop();
  });

  it('moves files it cannot read to failed/ with the reason, and imports nothing from them', async () => {
    const { f, dir, failed } = await folder();
    await fs.writeFile(path.join(dir, 'bad-header.csv'), 'who,what\nme,that\n');
    await fs.writeFile(path.join(dir, 'latin1.ndjson'), Buffer.from([0x7b, 0xe9, 0x7d, 0x0a]));
    await fs.writeFile(path.join(dir, 'notes.txt'), 'hello');
    const outcomes = await settleScan(f);
    expect(outcomes.map((o) => [o.name, o.status]).sort()).toEqual([
      ['bad-header.csv', 'failed'],
      ['latin1.ndjson', 'failed'],
      ['notes.txt', 'failed'],
    ]);
    expect((await fs.readdir(failed)).sort()).toEqual([
      'bad-header.csv',
      'bad-header.csv.reason.txt',
      'latin1.ndjson',
      'latin1.ndjson.reason.txt',
      'notes.txt',
      'notes.txt.reason.txt',
    ]);
    expect(await fs.readFile(path.join(failed, 'bad-header.csv.reason.txt'), 'utf8')).toMatch(
      /Unknown CSV column/,
    );
    expect(await fs.readFile(path.join(failed, 'latin1.ndjson.reason.txt'), 'utf8')).toMatch(/UTF-8/);
    for (const o of outcomes) expect(await importedRows(o.sha256!)).toEqual([]);
    await f.stop();
  });

  it('leaves a file whose import broke off in the inbox, and counts its events once when it is retried', async () => {
    const user = newId();
    let calls = 0;
    // The collector goes away after the first batch of two.
    const broken = await folder({
      batch: 2,
      ingest: async (items, meta) => {
        if (++calls === 2) throw new Error('collector unavailable');
        return s.collector.ingest(items, meta);
      },
    });
    const lines = Array.from({ length: 5 }, () => JSON.stringify(statement(user, { id: undefined })));
    await fs.writeFile(path.join(broken.dir, 'big.ndjson'), lines.join('\n'));
    expect(await settleScan(broken.f)).toEqual([]);
    expect(await ls(broken.dir)).toEqual(['big.ndjson']);
    expect(published().filter((e) => e.actor === user)).toHaveLength(2);
    await broken.f.stop();

    const { f } = await folder({ dir: broken.dir });
    const outcomes = await settleScan(f);
    expect(outcomes).toMatchObject([{ status: 'imported', counts: { accepted: 3, duplicates: 2 } }]);
    expect(published().filter((e) => e.actor === user)).toHaveLength(5);
    await f.stop();
  });

  it('two processes on one folder import each file once', async () => {
    const user = newId();
    const a = await folder();
    const b = await folder({ dir: a.dir });
    for (let i = 0; i < 4; i++)
      await fs.writeFile(path.join(a.dir, `f${i}.ndjson`), `${JSON.stringify(statement(user))}\n`);
    await Promise.all([a.f.scanNow(), b.f.scanNow()]);
    await new Promise((r) => setTimeout(r, SETTLE + 30));
    await Promise.all([a.f.scanNow(), b.f.scanNow()]);
    await Promise.all([a.f.scanNow(), b.f.scanNow()]);
    expect(await ls(a.dir)).toEqual([]);
    expect((await fs.readdir(a.done)).sort()).toEqual(['f0.ndjson', 'f1.ndjson', 'f2.ndjson', 'f3.ndjson']);
    const ids = published()
      .filter((e) => e.actor === user)
      .map((e) => e.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    await Promise.all([a.f.stop(), b.f.stop()]);
  });

  it('watches <dataDir>/analytics/inbox when started by startCollectorSources', async () => {
    const dataDir = path.join(root, 'data');
    const sources = startCollectorSources({
      pool: pool(),
      ingest: s.collector.ingest,
      dataDir,
      config: {},
      logger: silent,
      outbox: false,
      dropFolder: { settleMs: 100, scanMs: 60_000 },
    });
    try {
      const inbox = path.join(dataDir, 'analytics', 'inbox');
      await until(async () => (await fs.stat(path.join(inbox, 'done')).catch(() => null)) !== null);
      const user = newId();
      await fs.writeFile(path.join(inbox, 'live.ndjson'), `${JSON.stringify(statement(user))}\n`);
      await until(() => published().some((e) => e.actor === user), 5000);
      await until(async () => (await fs.readdir(path.join(inbox, 'done'))).includes('live.ndjson'));
    } finally {
      await sources.stop();
    }
  });
});
