import { describe, expect, it } from 'vitest';
import { matchRoute, type LocalRoute } from './routes.ts';

const routes: LocalRoute[] = [
  { method: 'GET', path: '/api/learning/:id', handler: () => null },
  { method: 'GET', path: '/api/offline/:id/*', raw: true, handler: () => undefined },
];

describe('matchRoute', () => {
  it('decodes :params and hands the rest of the path to * still encoded', () => {
    const m = matchRoute(routes, 'GET', '/api/offline/c%201/l1/a1/hls/720p/seg%2D1.m4s');
    expect(m).not.toBeNull();
    expect(m !== 'method' && m?.params).toEqual({ id: 'c 1', '*': 'l1/a1/hls/720p/seg%2D1.m4s' });
  });

  it('needs at least one segment for *, and reports a wrong method apart from an unknown path', () => {
    expect(matchRoute(routes, 'GET', '/api/offline/c1')).toBeNull();
    expect(matchRoute(routes, 'GET', '/api/offline/c1/')).toBeNull();
    expect(matchRoute(routes, 'POST', '/api/offline/c1/x')).toBe('method');
    expect(matchRoute(routes, 'HEAD', '/api/learning/x')).not.toBeNull();
    expect(matchRoute(routes, 'GET', '/api/learning/%E0%A4%A')).toBeNull();
  });
});
