import type { CreateAccountBody, ResetConfirmParsed, ResetRequestBody } from '../../contracts/account.ts';
import type { SessionState } from '../../contracts/app.ts';
import type { ServerConnection } from '../server/connection.ts';
import { asCoreError, type SessionService } from './session.ts';

/** Creating an account and recovering a password: online only, through the server's identity API. */
export function accountService(deps: { client: ServerConnection; session: SessionService }) {
  return {
    /** Create a student account and sign it in (like a sign-in: the session and an offline verifier are stored). */
    async create(body: CreateAccountBody): Promise<SessionState> {
      const auth = await deps.client.call('signup', { body }).catch((err: unknown) => {
        throw asCoreError(
          err,
          'Creating an account needs a connection to the server. Try again when you are online.',
        );
      });
      return deps.session.adopt(auth, body.password);
    },

    /** Ask the server to email a reset link and code (the server answers the same for unknown emails). */
    async requestReset(body: ResetRequestBody): Promise<{ status: 'sent' }> {
      await deps.client.call('requestPasswordReset', { body }).catch((err: unknown) => {
        throw asCoreError(
          err,
          'Resetting a password needs a connection to the server. Try again when you are online.',
        );
      });
      return { status: 'sent' };
    },

    /** Set a new password with the code from the email (it ends every session of the account on the server). */
    async confirmReset(body: ResetConfirmParsed): Promise<{ status: 'changed' }> {
      await deps.client
        .call('confirmPasswordReset', { body: { token: body.code, password: body.password } })
        .catch((err: unknown) => {
          throw asCoreError(
            err,
            'Resetting a password needs a connection to the server. Try again when you are online.',
          );
        });
      return { status: 'changed' };
    },
  };
}
export type AccountService = ReturnType<typeof accountService>;
