import { isIri, isIrl, isMbox, isSha1 } from './formats.ts';
import { array, at, fail, object, string, type Json } from './check.ts';

const IFIS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;
const AGENT = ['objectType', 'name', ...IFIS];
const GROUP = [...AGENT, 'member'];

function ifis(a: Json, path: string): number {
  const given = IFIS.filter((k) => a[k] !== undefined);
  if (a.mbox !== undefined && !isMbox(a.mbox))
    fail(at(path, 'mbox'), 'must be a mailto: IRI of an email address');
  if (a.mbox_sha1sum !== undefined && !isSha1(a.mbox_sha1sum))
    fail(at(path, 'mbox_sha1sum'), 'must be the hex SHA1 of a mailto: IRI');
  if (a.openid !== undefined && !isIri(a.openid)) fail(at(path, 'openid'), 'must be a URI');
  if (a.account !== undefined) {
    const acc = object(a.account, at(path, 'account'), ['homePage', 'name'], ['homePage', 'name']);
    if (!isIrl(acc.homePage)) fail(at(path, 'account.homePage'), 'must be an IRL');
    string(acc.name, at(path, 'account.name'));
  }
  if (given.length > 1) fail(path, `has ${given.join(' and ')}: exactly one identifier (IFI) is allowed`);
  return given.length;
}

/** An Agent (xAPI-Data 2.4.2.1): exactly one inverse functional identifier. */
export function agent(v: unknown, path: string): Json {
  const a = object(v, path, AGENT);
  if (a.objectType !== undefined && a.objectType !== 'Agent') fail(at(path, 'objectType'), 'must be "Agent"');
  if (a.name !== undefined) string(a.name, at(path, 'name'));
  if (ifis(a, path) !== 1) fail(path, 'an Agent needs exactly one of mbox, mbox_sha1sum, openid or account');
  return a;
}

/** A Group (xAPI-Data 2.4.2.2): anonymous (members, no IFI) or identified (one IFI, members optional). */
export function group(v: unknown, path: string): Json {
  const g = object(v, path, GROUP, ['objectType']);
  if (g.objectType !== 'Group') fail(at(path, 'objectType'), 'must be "Group"');
  if (g.name !== undefined) string(g.name, at(path, 'name'));
  const identified = ifis(g, path) === 1;
  if (g.member === undefined && !identified)
    fail(at(path, 'member'), 'an anonymous Group must list its members');
  if (g.member !== undefined) {
    const members = array(g.member, at(path, 'member'));
    if (!identified && !members.length)
      fail(at(path, 'member'), 'an anonymous Group needs at least one member');
    members.forEach((m, i) => {
      const mp = at(at(path, 'member'), i);
      const obj = object(m, mp, GROUP);
      if (obj.objectType === 'Group' || obj.member !== undefined)
        fail(mp, 'a Group’s members must be Agents');
      agent(m, mp);
    });
  }
  return g;
}

/** An actor: Agent (objectType absent or "Agent") or Group. */
export function actor(v: unknown, path: string): Json {
  const o = object(v, path, GROUP);
  return o.objectType === 'Group' ? group(v, path) : agent(v, path);
}
