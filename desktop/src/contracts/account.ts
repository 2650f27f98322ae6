import { z } from 'zod';
import { Password, PasswordResetRequest, SignupRequest } from '@lyceum/contracts';

/** The local API of account creation and password recovery. Payloads come from @lyceum/contracts. */

/** POST /api/account: name, email and password (the server checks the password rules). */
export const CreateAccountBody = SignupRequest;
export type CreateAccountBody = z.infer<typeof CreateAccountBody>;

/** POST /api/password-reset: the email to send the reset link and code to. */
export const ResetRequestBody = PasswordResetRequest;
export type ResetRequestBody = z.infer<typeof ResetRequestBody>;

/** The token inside whatever the student pasted: the code alone, or the whole link from the email. */
function tokenOf(pasted: string): string {
  const text = pasted.trim();
  const m = /[?&]token=([\w-]+)/.exec(text);
  return m?.[1] ?? text;
}

/** POST /api/password-reset/confirm: the code (or link) from the email and the new password. */
export const ResetConfirmBody = z
  .object({
    code: z
      .string()
      .max(2000)
      .transform(tokenOf)
      .pipe(
        z
          .string()
          .min(10, 'Paste the whole code from the email')
          .max(200)
          .regex(/^[\w-]+$/, 'The code has letters, digits, "-" and "_" only'),
      ),
    password: Password,
  })
  .strict();
export type ResetConfirmBody = z.input<typeof ResetConfirmBody>;
export type ResetConfirmParsed = z.output<typeof ResetConfirmBody>;

export const ResetRequested = z.object({ status: z.literal('sent') });
export const ResetConfirmed = z.object({ status: z.literal('changed') });
