import { io, type Socket } from 'socket.io-client';
import { SyncPoke, SyncPokeEvent, type PullRequest, type PushRequest } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type { ServerConnection } from '../server/connection.ts';
import type { SessionService } from '../services/session.ts';

/** The sync protocol's HTTP calls, with the signed-in user's token (refreshed when it expires). */
export function syncTransport(client: ServerConnection, session: SessionService) {
  const authed = <T>(call: (token: string) => Promise<T>): Promise<T> =>
    session.withToken((token) => {
      // Signed out, or signed in on this device only (offline sign-in): the changes wait until an online sign-in.
      if (!token)
        throw new CoreError('signed_out', 'Sign in again to sync: your changes wait on this device');
      return call(token);
    });
  return {
    pull: (body: PullRequest) => authed((token) => client.call('syncPull', { body }, { token })),
    push: (body: PushRequest) =>
      authed((token) => client.call('syncPush', { body }, { token, timeoutMs: 30_000 })),
    enroll: (courseId: string) =>
      authed((token) => client.call('enroll', { params: { id: courseId } }, { token })),
    /** Leave a course (the server keeps the enrollment as dropped, with its progress). */
    unenroll: (courseId: string) =>
      authed((token) => client.call('unenroll', { params: { id: courseId } }, { token })),
    courseDetail: (courseId: string) =>
      authed((token) => client.call('getCourse', { params: { id: courseId } }, { token })),
  };
}
export type SyncTransport = ReturnType<typeof syncTransport>;

export interface PokeSocket {
  close(): void;
  connected(): boolean;
}

/**
 * socket.io connection to the server: `sync:poke` in the user's room means "something in your scope changed".
 * Reconnects by itself (with a fresh token each time); every (re)connect is also a reason to sync.
 */
export function pokeSocket(opts: {
  serverUrl: string;
  token: () => Promise<string | null>;
  onPoke: (seq: number) => void;
  onConnect: () => void;
}): PokeSocket {
  const socket: Socket = io(opts.serverUrl, {
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
    auth: (cb) => {
      opts.token().then(
        (token) => cb({ token }),
        () => cb({ token: null }),
      );
    },
  });
  socket.on('connect', () => opts.onConnect());
  socket.on(SyncPokeEvent, (payload: unknown) => {
    const p = SyncPoke.safeParse(payload);
    opts.onPoke(p.success ? p.data.seq : 0);
  });
  let closed = false;
  socket.on('connect_error', () => {
    // An auth refusal is not retried by socket.io itself: try again later with a fresh token.
    if (!socket.active)
      setTimeout(() => {
        if (!closed) socket.connect();
      }, 5000).unref();
  });
  return {
    close: () => {
      closed = true;
      socket.close();
    },
    connected: () => socket.connected,
  };
}
