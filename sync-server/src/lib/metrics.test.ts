import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/harness.ts';
import { behindProxy, metricsAccess, routeLabel } from './metrics.ts';

describe('/metrics', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ METRICS_TOKEN: 'scrape-token-0123456789' });
  });
  afterAll(() => t?.close());

  it('counts requests by route pattern and status class, with latency, for the bearer of METRICS_TOKEN', async () => {
    const user = await t.user('student');
    for (let i = 0; i < 3; i++) await t.api('GET', '/api/v1/me', { token: user.token });
    await t.api('GET', '/api/v1/courses/not-a-uuid');
    await t.api('GET', '/no/such/path');

    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const res = await fetch(`${t.url}/metrics`, {
      headers: { authorization: 'Bearer scrape-token-0123456789' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const count = (line: RegExp) =>
      Number(
        text
          .split('\n')
          .find((l) => line.test(l))
          ?.split(' ')
          .pop(),
      );
    expect(count(/^lyceum_http_requests_total\{.*method="GET",route="\/api\/v1\/me",status="2xx"/)).toBe(3);
    expect(count(/^lyceum_http_requests_total\{.*route="unmatched",status="4xx"/)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/lyceum_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/me"/);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('service="sync-server"');
    // No raw ids or URLs as labels.
    expect(text).not.toContain('not-a-uuid');
  });

  it('lets only private addresses scrape when no token is configured', () => {
    expect(metricsAccess(undefined, '127.0.0.1', undefined)).toBe(true);
    expect(metricsAccess(undefined, '::ffff:10.1.2.3', undefined)).toBe(true);
    expect(metricsAccess(undefined, '172.20.0.5', undefined)).toBe(true);
    expect(metricsAccess(undefined, '172.32.0.5', undefined)).toBe(false);
    expect(metricsAccess(undefined, '8.8.8.8', undefined)).toBe(false);
    expect(metricsAccess('t'.repeat(16), '127.0.0.1', undefined)).toBe(false);
    expect(routeLabel('', undefined, 500)).toBe('other');
  });

  it('behind a proxy without a token, lets only a loopback client scrape', () => {
    expect(behindProxy({ 'x-forwarded-for': '10.0.0.5' }, 'loopback')).toBe(true);
    expect(behindProxy({ forwarded: 'for=10.0.0.5' }, undefined)).toBe(true);
    expect(behindProxy({}, '10.0.0.0/8')).toBe(true);
    expect(behindProxy({}, 'loopback')).toBe(false);
    expect(behindProxy({}, false)).toBe(false);
    expect(metricsAccess(undefined, '10.0.0.5', undefined, true)).toBe(false);
    expect(metricsAccess(undefined, '::1', undefined, true)).toBe(true);
    expect(metricsAccess('t'.repeat(16), '8.8.8.8', `Bearer ${'t'.repeat(16)}`, true)).toBe(true);
  });
});
