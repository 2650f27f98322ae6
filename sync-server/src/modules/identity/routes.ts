import { z } from 'zod';
import {
  AdminUserPatch,
  AdminUserQuery,
  AuthResponse,
  ChangePasswordRequest,
  IdParams,
  LoginRequest,
  LogoutRequest,
  PasswordResetConfirm,
  PasswordResetRequest,
  Preferences,
  ProfilePatch,
  RefreshRequest,
  SignupRequest,
  User,
  UserList,
} from '@lyceum/contracts';
import { route, type AnyRoute, type Caller } from '../../http/route.ts';
import type { AccountService } from './accounts.ts';
import type { SessionService } from './sessions.ts';
import type { adminUserService } from './admin.ts';
import type { RateLimits } from '../../http/rate-limit.ts';

const Accepted = z.object({ status: z.literal('accepted') });
const me = (user: Caller | null) => user!.id;

export function identityRoutes(
  accounts: AccountService,
  sessions: SessionService,
  admin: ReturnType<typeof adminUserService>,
  limits: RateLimits,
): AnyRoute[] {
  const tags = ['identity'];
  return [
    route({
      method: 'post',
      path: '/api/v1/auth/signup',
      operationId: 'signup',
      summary: 'Create a student account',
      tags,
      access: 'public',
      body: SignupRequest,
      response: AuthResponse,
      status: 201,
      errors: ['email_taken', 'weak_password', 'too_many_attempts'],
      handler: async ({ body, req }) => {
        await limits.consume('signup', { ip: req.ip });
        const user = await accounts.createUser(body);
        return sessions.issue(user, undefined, req.get('user-agent'));
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/login',
      operationId: 'login',
      summary: 'Sign in with email and password',
      tags,
      access: 'public',
      body: LoginRequest,
      response: AuthResponse,
      errors: ['invalid_credentials', 'account_disabled', 'too_many_attempts', 'account_locked'],
      handler: ({ body, req }) =>
        accounts.login(body.email, body.password, req.ip ?? 'unknown', req.get('user-agent')),
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/refresh',
      operationId: 'refresh',
      summary: 'Exchange a refresh token for new tokens (rotation)',
      tags,
      access: 'public',
      body: RefreshRequest,
      response: AuthResponse,
      errors: [
        'invalid_token',
        'token_expired',
        'refresh_token_reused',
        'session_revoked',
        'account_disabled',
      ],
      handler: ({ body, req }) => sessions.refresh(body.refreshToken, req.get('user-agent')),
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/logout',
      operationId: 'logout',
      summary:
        "End a session (the refresh token's family); signed in with no token, end every session of the account",
      tags,
      access: 'public',
      body: LogoutRequest,
      response: null,
      status: 204,
      handler: async ({ body, user }) => {
        if (body.refreshToken) await sessions.logout(body.refreshToken);
        else if (user) await sessions.revokeAllForUser(user.id, 'signed_out_everywhere');
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/password-reset/request',
      operationId: 'requestPasswordReset',
      summary: 'Email a single-use reset link (always 202)',
      tags,
      access: 'public',
      body: PasswordResetRequest,
      response: Accepted,
      status: 202,
      errors: ['too_many_attempts'],
      handler: async ({ body, req }) => {
        await limits.consume('reset', { ip: req.ip });
        // Queued: answered at once, the same way whether or not the email has an account.
        accounts.requestPasswordReset(body.email);
        return { status: 'accepted' as const };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/password-reset/confirm',
      operationId: 'confirmPasswordReset',
      summary: 'Set a new password with a reset token; ends every session',
      tags,
      access: 'public',
      body: PasswordResetConfirm,
      response: null,
      status: 204,
      errors: ['reset_token_invalid', 'weak_password'],
      handler: ({ body }) => accounts.confirmPasswordReset(body.token, body.password),
    }),
    route({
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      summary: 'The signed-in account',
      tags,
      access: 'user',
      response: User,
      handler: async ({ user }) => admin.get(me(user)),
    }),
    route({
      method: 'patch',
      path: '/api/v1/me',
      operationId: 'updateMe',
      summary: 'Edit the profile',
      tags,
      access: 'user',
      body: ProfilePatch,
      response: User,
      handler: ({ user, body }) => accounts.updateProfile(me(user), body),
    }),
    route({
      method: 'post',
      path: '/api/v1/me/password',
      operationId: 'changePassword',
      summary: 'Change the password; other sessions end and a new one is returned',
      tags,
      access: 'user',
      body: ChangePasswordRequest,
      response: AuthResponse,
      errors: ['invalid_credentials', 'weak_password'],
      handler: ({ user, body, req }) =>
        accounts.changePassword(me(user), body.currentPassword, body.newPassword, req.get('user-agent')),
    }),
    route({
      method: 'get',
      path: '/api/v1/me/preferences',
      operationId: 'getPreferences',
      summary: 'Preferences',
      tags,
      access: 'user',
      response: Preferences,
      handler: ({ user }) => accounts.getPreferences(me(user)),
    }),
    route({
      method: 'put',
      path: '/api/v1/me/preferences',
      operationId: 'putPreferences',
      summary: 'Replace preferences',
      tags,
      access: 'user',
      body: Preferences,
      response: Preferences,
      handler: ({ user, body }) => accounts.putPreferences(me(user), body),
    }),
    route({
      method: 'get',
      path: '/api/v1/admin/users',
      operationId: 'listUsers',
      summary: 'List and search accounts',
      tags: ['admin'],
      access: 'admin',
      query: AdminUserQuery,
      response: UserList,
      handler: ({ query }) => admin.list(query),
    }),
    route({
      method: 'get',
      path: '/api/v1/admin/users/:id',
      operationId: 'getUser',
      summary: 'One account',
      tags: ['admin'],
      access: 'admin',
      params: IdParams,
      response: User,
      errors: ['not_found'],
      handler: ({ params }) => admin.get(params.id),
    }),
    route({
      method: 'patch',
      path: '/api/v1/admin/users/:id',
      operationId: 'updateUser',
      summary: 'Change role or disable an account',
      tags: ['admin'],
      access: 'admin',
      params: IdParams,
      body: AdminUserPatch,
      response: User,
      errors: ['not_found', 'conflict'],
      handler: ({ user, params, body }) => admin.update(me(user), params.id, body),
    }),
  ];
}
