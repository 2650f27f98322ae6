import {
  ResetConfirmed,
  ResetRequested,
  type CreateAccountBody,
  type ResetConfirmBody,
  type ResetRequestBody,
} from '../../contracts/account.ts';
import { SessionState } from '../../contracts/app.ts';
import { ApiFailure, call } from './api.ts';

/** Creating an account and recovering a password, through the local API (online only). */
export const accountApi = {
  create: (body: CreateAccountBody) => call(SessionState, 'POST', '/api/account', body),
  requestReset: (body: ResetRequestBody) => call(ResetRequested, 'POST', '/api/password-reset', body),
  confirmReset: (body: ResetConfirmBody) => call(ResetConfirmed, 'POST', '/api/password-reset/confirm', body),
};

/** Whether a typed email looks like one (the server checks it for real). */
export const looksLikeEmail = (v: string) => /^\S+@\S+\.\S+$/.test(v.trim());

/** A weak password's problems, in the server's words (details.problems of `weak_password`). */
export function passwordProblems(err: unknown): string[] {
  if (!(err instanceof ApiFailure) || err.code !== 'weak_password') return [];
  const problems = (err.details as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(problems) ? problems.filter((p): p is string => typeof p === 'string') : [];
}

/** The fields a `validation_failed` answer names (`body.email` → `email`), each with its first message. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiFailure) || err.code !== 'validation_failed' || !Array.isArray(err.details))
    return {};
  const out: Record<string, string> = {};
  for (const d of err.details as { path?: unknown; message?: unknown }[]) {
    if (typeof d.path !== 'string' || typeof d.message !== 'string') continue;
    const field = d.path.replace(/^body\./, '').split('.')[0] ?? '';
    out[field] ??= d.message;
  }
  return out;
}
