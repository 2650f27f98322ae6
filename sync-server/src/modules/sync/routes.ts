import { PullRequest, PullResponse, PushResponse, ReceivedPush } from '@lyceum/contracts';
import { route, type AnyRoute, type Caller } from '../../http/route.ts';
import type { deviceService } from './devices.ts';
import type { PullService } from './pull.ts';
import type { PushService } from './push.ts';

const me = (user: Caller | null) => user!;

export function syncRoutes(
  pulls: PullService,
  pushes: PushService,
  devices: ReturnType<typeof deviceService>,
): AnyRoute[] {
  const tags = ['sync'];
  return [
    route({
      method: 'post',
      path: '/api/v1/sync/pull',
      operationId: 'syncPull',
      tags,
      access: 'user',
      summary:
        "Changes after a cursor for the caller's scope (published catalog; structure of enrolled and taught courses; own " +
        'enrollments, progress, attempts, preferences), in pages, each entity at its current state or a tombstone. A null ' +
        'cursor starts an initial sync (a snapshot of the current state). Store the returned cursor only after applying the ' +
        'whole page; pull again while hasMore. resyncRequired: drop the synced cache and pull from null',
      body: PullRequest,
      response: PullResponse,
      errors: ['forbidden', 'validation_failed'],
      handler: async ({ user, body }) => {
        await devices.touch(body.deviceId, me(user).id);
        const { head, ...page } = await pulls.pull(me(user), body.cursor, body.limit);
        if (head !== null && !page.hasMore) await devices.touch(body.deviceId, me(user).id, head);
        return page;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/sync/push',
      operationId: 'syncPush',
      tags,
      access: 'user',
      summary:
        'Apply queued mutations in order, each exactly once per id (a retried id answers its first result with duplicate: ' +
        'true, or the same rejection). Results come in order; when fewer results than mutations come back, the rest was not ' +
        'applied: push them again. A mutation that is not valid (a bad argument, a value that cannot be stored) is ' +
        'rejected alone (validation_failed) and the others are applied',
      body: ReceivedPush,
      response: PushResponse,
      errors: ['forbidden', 'validation_failed'],
      handler: async ({ user, body, res }) => {
        await devices.touch(body.deviceId, me(user).id);
        const { results, waitedMs, ranMs } = await pushes.push(me(user), body.deviceId, body.mutations);
        res.setHeader('server-timing', `queue;dur=${waitedMs.toFixed(1)}, apply;dur=${ranMs.toFixed(1)}`);
        return { results };
      },
    }),
  ];
}
