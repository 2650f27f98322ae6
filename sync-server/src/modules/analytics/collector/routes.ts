import {
  Text,
  DeadLetterList,
  DeadLetterQuery,
  EventBatch,
  EventBatchResult,
  IdParams,
  XapiClientCreate,
  XapiClientCreated,
  XapiClientList,
} from '@lyceum/contracts';
import { route, type AnyRoute } from '../../../http/route.ts';
import type { DeadLetterStore } from './dead-letters.ts';
import { estimateSkewMs, type DeviceClock } from './device-clock.ts';
import type { Ingest } from './port.ts';
import type { StatementReader } from './statements.ts';
import type { XapiClientService } from './xapi-clients.ts';

export interface CollectorRouteDeps {
  ingest: Ingest;
  deadLetters: DeadLetterStore;
  clients: XapiClientService;
  statements: StatementReader;
  clock: DeviceClock;
  now: () => Date;
}

/** The collector's API sources (desktop batch upload; the xAPI Statements resource is in modules/lrs) and its admin routes. */
export function collectorRoutes(d: CollectorRouteDeps): AnyRoute[] {
  const tags = ['analytics'];
  return [
    route({
      method: 'post',
      path: '/api/v1/analytics/events',
      operationId: 'uploadLearningEvents',
      summary:
        "Upload a batch of the desktop app's learning statements (the caller's own); bad ones go to the dead-letter store",
      tags,
      access: 'user',
      body: EventBatch,
      response: EventBatchResult,
      handler: async ({ body, user }) => {
        const receivedAt = d.now();
        const skewMs = estimateSkewMs(receivedAt, body.sentAt);
        const deviceId = body.deviceId.replaceAll('\u0000', '');
        const r = await d.ingest(body.statements, {
          source: 'desktop',
          origin: `device:${deviceId}`,
          deviceId,
          skewMs,
          actorUserId: user!.id,
        });
        await d.clock.record({
          userId: user!.id,
          deviceId,
          sentAt: new Date(body.sentAt),
          receivedAt,
          skewMs,
          statements: body.statements.length,
          accepted: r.accepted,
          duplicates: r.duplicates,
          rejected: r.rejected.length,
        });
        return {
          accepted: r.accepted,
          duplicates: r.duplicates,
          // The id is echoed as sent when it is printable text; a bad one (a NUL, a non-character) is why it was
          // rejected, and cannot be answered back as it is.
          rejected: r.rejected.map(({ index, id, reason }) => ({
            index,
            id: Text().safeParse(id).success ? id : null,
            reason,
          })),
          skewMs,
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/analytics/dead-letters',
      operationId: 'listDeadLetters',
      summary: 'Events the collector refused, with the reason and the raw payload, newest first',
      tags,
      access: 'admin',
      query: DeadLetterQuery,
      response: DeadLetterList,
      handler: ({ query }) => d.deadLetters.list(query),
    }),
    route({
      method: 'post',
      path: '/api/v1/analytics/xapi-clients',
      operationId: 'createXapiClient',
      summary: 'Create credentials for an outside learning tool; the secret is shown only in this answer',
      tags,
      access: 'admin',
      body: XapiClientCreate,
      response: XapiClientCreated,
      status: 201,
      handler: ({ body, user }) => d.clients.create(body.name, user!.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/analytics/xapi-clients',
      operationId: 'listXapiClients',
      summary: 'The xAPI client credentials (without secrets)',
      tags,
      access: 'admin',
      response: XapiClientList,
      handler: () => d.clients.list(),
    }),
    route({
      method: 'delete',
      path: '/api/v1/analytics/xapi-clients/:id',
      operationId: 'disableXapiClient',
      summary: 'Revoke an xAPI client: its credentials stop working at once (the record stays, disabled)',
      tags,
      access: 'admin',
      params: IdParams,
      response: null,
      status: 204,
      errors: ['not_found'],
      handler: ({ params }) => d.clients.disable(params.id),
    }),
  ];
}
