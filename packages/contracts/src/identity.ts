import { z } from 'zod';
import { Id, IsoDateTime, Limit, Role, storableText, Text } from './common.ts';

export const Email = Text().trim().toLowerCase().pipe(z.email().max(254));

/** Minimum strength is enforced on the server (length, variety, not the email); this is only the shape. */
export const Password = Text().min(1).max(256);

/** The password rules the server enforces, in words, for every screen that asks for a new password. */
export const passwordRules = [
  'At least 10 characters',
  'At least three of: lower case, upper case, digits, symbols — or 16 characters or more',
  'Not a common password, and not one character repeated',
  'Not containing your name or the first part of your email address',
] as const;

export const User = z
  .object({
    id: Id,
    email: Text(),
    name: Text(),
    role: Role,
    bio: Text(),
    avatarUrl: Text().nullable(),
    disabled: z.boolean(),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

export const SignupRequest = z
  .object({ email: Email, password: Password, name: Text().trim().min(1).max(120) })
  .strict();
export const LoginRequest = z.object({ email: Email, password: Password }).strict();
export const RefreshRequest = z.object({ refreshToken: Text().min(10).max(200) }).strict();
export const LogoutRequest = z.object({ refreshToken: Text().min(10).max(200).optional() }).strict();

export const AuthResponse = z
  .object({ user: User, accessToken: Text(), refreshToken: Text(), expiresIn: z.number().int() })
  .meta({ id: 'AuthResponse' });
export type AuthResponse = z.infer<typeof AuthResponse>;

export const PasswordResetRequest = z.object({ email: Email }).strict();
export const PasswordResetConfirm = z.object({ token: Text().min(10).max(200), password: Password }).strict();
export const ChangePasswordRequest = z.object({ currentPassword: Password, newPassword: Password }).strict();

export const ProfilePatch = z
  .object({
    name: Text().trim().min(1).max(120).optional(),
    bio: Text().max(2000).optional(),
    avatarUrl: z.url().check(storableText).max(500).nullable().optional(),
  })
  .strict();

export const NotificationType = z.enum([
  'course_updates',
  'deadlines',
  'grades',
  'enrollment',
  'announcements',
]);
export const NotificationChannel = z.enum(['in_app', 'push', 'email']);
export type NotificationChannel = z.infer<typeof NotificationChannel>;
/**
 * The channels that deliver notifications today. Apps offer a choice only for these (a setting that does
 * nothing is not shown): none yet; the notifications work adds each channel here as it starts delivering.
 */
export const deliveredNotificationChannels: readonly NotificationChannel[] = [];
export const NotificationChoices = z.record(
  NotificationType,
  z.object({ in_app: z.boolean(), push: z.boolean(), email: z.boolean() }).strict(),
);

export const Preferences = z
  .object({
    /** "system": the device's language. */
    locale: z.union([
      z.literal('system'),
      Text().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'BCP 47 language tag such as en or pt-BR, or system'),
    ]),
    /** An IANA time zone ("Asia/Tokyo", "UTC"), or "system": the device's. */
    timezone: Text().min(1).max(64),
    notifications: NotificationChoices,
    playbackSpeed: z.number().min(0.25).max(3),
    downloadQuality: z.enum(['360p', '720p', '1080p']),
  })
  .strict()
  .meta({ id: 'Preferences' });
export type Preferences = z.infer<typeof Preferences>;

export const defaultPreferences: Preferences = {
  locale: 'system',
  timezone: 'system',
  notifications: {
    course_updates: { in_app: true, push: true, email: false },
    deadlines: { in_app: true, push: true, email: true },
    grades: { in_app: true, push: true, email: false },
    enrollment: { in_app: true, push: false, email: true },
    announcements: { in_app: true, push: true, email: false },
  },
  playbackSpeed: 1,
  downloadQuality: '720p',
};

export const AdminUserQuery = z
  .object({
    q: Text().trim().max(200).optional(),
    role: Role.optional(),
    disabled: z.enum(['true', 'false']).optional(),
    cursor: Text().max(200).optional(),
    limit: Limit,
  })
  .strict();
export const UserList = z.object({ items: z.array(User), nextCursor: Text().nullable() });
export const AdminUserPatch = z.object({ role: Role.optional(), disabled: z.boolean().optional() }).strict();
