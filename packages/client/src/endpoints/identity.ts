import { z } from 'zod';
import {
  AdminUserPatch,
  AdminUserQuery,
  AuthResponse,
  ChangePasswordRequest,
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
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** Keyed by the server's operationId; a test checks each against the server's OpenAPI document. */
export const identityEndpoints = {
  signup: {
    method: 'POST',
    path: '/api/v1/auth/signup',
    body: SignupRequest,
    response: AuthResponse,
    auth: false,
  },
  login: {
    method: 'POST',
    path: '/api/v1/auth/login',
    body: LoginRequest,
    response: AuthResponse,
    auth: false,
  },
  refresh: {
    method: 'POST',
    path: '/api/v1/auth/refresh',
    body: RefreshRequest,
    response: AuthResponse,
    auth: false,
  },
  logout: { method: 'POST', path: '/api/v1/auth/logout', body: LogoutRequest, response: null },
  requestPasswordReset: {
    method: 'POST',
    path: '/api/v1/auth/password-reset/request',
    body: PasswordResetRequest,
    response: z.object({ status: z.literal('accepted') }),
    auth: false,
  },
  confirmPasswordReset: {
    method: 'POST',
    path: '/api/v1/auth/password-reset/confirm',
    body: PasswordResetConfirm,
    response: null,
    auth: false,
  },
  getMe: { method: 'GET', path: '/api/v1/me', response: User },
  updateMe: { method: 'PATCH', path: '/api/v1/me', body: ProfilePatch, response: User },
  changePassword: {
    method: 'POST',
    path: '/api/v1/me/password',
    body: ChangePasswordRequest,
    response: AuthResponse,
  },
  getPreferences: { method: 'GET', path: '/api/v1/me/preferences', response: Preferences },
  putPreferences: { method: 'PUT', path: '/api/v1/me/preferences', body: Preferences, response: Preferences },
  listUsers: {
    method: 'GET',
    path: '/api/v1/admin/users',
    query: AdminUserQuery.partial(),
    response: UserList,
  },
  getUser: { method: 'GET', path: '/api/v1/admin/users/:id', response: User },
  updateUser: { method: 'PATCH', path: '/api/v1/admin/users/:id', body: AdminUserPatch, response: User },
} as const satisfies Record<string, AnyEndpoint>;
