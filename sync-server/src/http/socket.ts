import type http from 'node:http';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { SyncPokeEvent } from '@lyceum/contracts';
import type { Authenticator } from './register.ts';
import type { Caller } from './route.ts';
import { ApiError } from './errors.ts';

/** What a sequencer run tells the gateway (see modules/sync/sequencer.ts). */
export interface PokeBatch {
  seq: number;
  scopes: Map<string, number>;
  membership: Set<string>;
}

export interface SocketGatewayOptions {
  corsOrigins: string[];
  auth: Authenticator;
  logger: Logger;
  /** Rooms of a user's sockets: 'user:<id>' and one 'course:<id>' per course in their scope. */
  roomsOf(userId: string): Promise<string[]>;
  /** Extra rooms by role: 'role:admin' for admins, 'instructors:<courseId>' for the courses an instructor teaches. */
  staffRoomsOf?(user: Caller): Promise<string[]>;
  /** Everyone is poked about public catalog changes at most this often (ms); default 1000. */
  publicThrottleMs?: number;
  /** socket.io cluster adapter (Redis), so rooms span every API node. */
  adapter?: ServerOptions['adapter'];
}

interface SocketData {
  user: Caller;
}

/**
 * Build the socket.io server. With a cluster adapter (@socket.io/redis-adapter when REDIS_URL is set), pokes from
 * the node that runs the sequencer reach sockets on every node.
 */
export function buildSocketServer(
  httpServer: http.Server,
  corsOrigins: string[],
  adapter?: ServerOptions['adapter'],
): Server {
  return new Server(httpServer, {
    ...(adapter ? { adapter } : {}),
    path: '/socket.io',
    serveClient: false,
    cors: { origin: corsOrigins, credentials: true },
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });
}

/**
 * socket.io on the HTTP server at /socket.io: clients authenticate with their access token (handshake
 * `auth: { token }`), join their user room and their courses' rooms, and receive `sync:poke` {seq} when something
 * in their scope was numbered, so they pull within a second.
 */
export function attachSocketGateway(httpServer: http.Server, opts: SocketGatewayOptions) {
  const io = buildSocketServer(httpServer, opts.corsOrigins, opts.adapter);
  const throttleMs = opts.publicThrottleMs ?? 1000;

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    if (typeof token !== 'string' || !token) return next(new Error('unauthenticated'));
    const req = { headers: { authorization: `Bearer ${token}` } } as unknown as Request;
    opts.auth.authenticate(req).then(
      (user) => {
        if (!user) return next(new Error('unauthenticated'));
        (socket.data as SocketData).user = user;
        next();
      },
      (err: unknown) => next(new Error(err instanceof ApiError ? err.code : 'unauthenticated')),
    );
  });

  async function joinRooms(socket: Pick<Socket, 'join' | 'leave' | 'rooms' | 'data'>): Promise<void> {
    const user = (socket.data as SocketData).user;
    const wanted = new Set(await opts.roomsOf(user.id));
    for (const room of socket.rooms) if (room.startsWith('course:') && !wanted.has(room)) socket.leave(room);
    socket.join([...wanted]);
  }

  io.on('connection', (socket) => {
    const user = (socket.data as SocketData).user;
    socket.join(`user:${user.id}`);
    if (opts.staffRoomsOf)
      opts.staffRoomsOf(user).then(
        (rooms) => socket.join(rooms),
        (err: unknown) => opts.logger.warn({ err }, 'socket: could not join staff rooms'),
      );
    joinRooms(socket).then(
      () => socket.emit('sync:ready'),
      (err: unknown) => opts.logger.warn({ err }, 'socket: could not join course rooms'),
    );
  });

  let publicSeq = 0;
  let publicTimer: NodeJS.Timeout | null = null;
  let lastPublic = 0;
  const flushPublic = () => {
    publicTimer = null;
    lastPublic = Date.now();
    io.emit(SyncPokeEvent, { seq: publicSeq });
  };

  return {
    io,
    /** Poke the rooms that got changes; refresh the course rooms of users whose enrollments changed. */
    async poke(batch: PokeBatch): Promise<void> {
      for (const userId of batch.membership) {
        const sockets = await io.in(`user:${userId}`).fetchSockets();
        if (sockets.length) {
          const wanted = new Set(await opts.roomsOf(userId));
          for (const s of sockets) {
            for (const room of s.rooms) if (room.startsWith('course:') && !wanted.has(room)) s.leave(room);
            s.join([...wanted]);
          }
        }
      }
      for (const [scope, seq] of batch.scopes) {
        if (scope === 'public') {
          publicSeq = Math.max(publicSeq, seq);
          if (!publicTimer)
            publicTimer = setTimeout(flushPublic, Math.max(0, lastPublic + throttleMs - Date.now()));
        } else io.to(scope).emit(SyncPokeEvent, { seq });
      }
    },
    /** Disconnect every client; the HTTP server is closed by its owner. */
    close(): void {
      if (publicTimer) clearTimeout(publicTimer);
      io.disconnectSockets(true);
      io.engine.close();
    },
  };
}
export type SocketGateway = ReturnType<typeof attachSocketGateway>;
