import { CreateAccountBody, ResetConfirmBody, ResetRequestBody } from '../../contracts/account.ts';
import type { AccountService } from '../services/account.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/**
 * Creating an account (it signs the new student in) and recovering a password with the code the server emails.
 * Online only: `offline` (503) when the server cannot be reached; the server's codes (email_taken, weak_password with
 * the problems, reset_token_invalid, too_many_attempts) pass through.
 */
export function accountRoutes(s: { account: AccountService; onSignedIn?: () => void }): LocalRoute[] {
  return [
    {
      method: 'POST',
      path: '/api/account',
      status: 201,
      handler: async ({ body }) => {
        const state = await s.account.create(parseInput(CreateAccountBody, body, 'body'));
        s.onSignedIn?.();
        return state;
      },
    },
    {
      method: 'POST',
      path: '/api/password-reset',
      status: 202,
      handler: ({ body }) => s.account.requestReset(parseInput(ResetRequestBody, body, 'body')),
    },
    {
      method: 'POST',
      path: '/api/password-reset/confirm',
      handler: ({ body }) => s.account.confirmReset(parseInput(ResetConfirmBody, body, 'body')),
    },
  ];
}
