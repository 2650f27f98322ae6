import type { Logger } from 'pino';
import type { ClusterBus } from '../../lib/cluster-bus.ts';

/** The channel every API node listens on for ended sessions and changed accounts. */
export const REVOCATION_CHANNEL = 'lyceum_identity_revocations';

interface Forgetful {
  /** Drop the cached account status (role, disabled) of one user. */
  forget(userId: string): void;
  /** Drop every cached session state. */
  forgetSessions(): void;
}

/**
 * Tells every API node (through the cluster bus) that a session ended or an account changed, so each drops what its
 * authenticator cached and the next request with a revoked access token is refused on every node at once, not
 * after the cache's few seconds. This node forgets at once, before the message goes out.
 */
export function revocationBroadcast(auth: Forgetful, bus: ClusterBus | undefined, logger: Logger) {
  const publish = (message: string) => {
    bus
      ?.publish(REVOCATION_CHANNEL, message)
      .catch((err: unknown) => logger.warn({ err }, 'could not tell the other nodes about a revocation'));
  };
  return {
    sessionsEnded(): void {
      auth.forgetSessions();
      publish('sessions');
    },
    userChanged(userId: string): void {
      auth.forget(userId);
      publish(`user:${userId}`);
    },
    /** Start receiving the other nodes' messages. */
    async listen(): Promise<void> {
      await bus?.subscribe(REVOCATION_CHANNEL, (message) => {
        if (message === 'sessions') auth.forgetSessions();
        else if (message.startsWith('user:')) auth.forget(message.slice(5));
      });
    },
  };
}
export type RevocationBroadcast = ReturnType<typeof revocationBroadcast>;
