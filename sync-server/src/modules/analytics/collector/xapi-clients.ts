import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { XapiClient, XapiClientCreated, XapiClientList } from '@lyceum/contracts';
import type { Db } from '../../../db/client.ts';
import { ApiError, notFound } from '../../../http/errors.ts';
import { newId } from '../../../lib/ids.ts';
import { xapiClients } from './tables.ts';

const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

const BASIC_REALM = { 'www-authenticate': 'Basic realm="Lyceum xAPI", charset="UTF-8"' };

type Row = typeof xapiClients.$inferSelect;
const toDto = (r: Row): XapiClient => ({
  id: r.id,
  key: r.key,
  name: r.name,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  disabled: r.disabled,
});

/** Parse "Basic base64(key:secret)"; null when the header is not Basic. */
export function basicCredentials(header: string | undefined): { key: string; secret: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  return { key: text.slice(0, colon), secret: text.slice(colon + 1) };
}

/**
 * Credentials of outside learning tools on the xAPI resource. The secret (256 random bits) is returned once at
 * creation; only its SHA-256 is stored. "Deleting" a client disables it, so its statements keep a known origin.
 */
export function xapiClientService(db: Db) {
  return {
    async create(name: string, createdBy: string): Promise<XapiClientCreated> {
      const secret = randomBytes(32).toString('base64url');
      const [row] = await db
        .insert(xapiClients)
        .values({
          id: newId(),
          key: `xk_${randomBytes(12).toString('base64url')}`,
          secretHash: hashSecret(secret).toString('base64url'),
          name,
          createdBy,
        })
        .returning();
      return { ...toDto(row!), secret };
    },

    async list(): Promise<XapiClientList> {
      const rows = await db
        .select()
        .from(xapiClients)
        .orderBy(desc(xapiClients.createdAt), desc(xapiClients.id));
      return { items: rows.map(toDto) };
    },

    async disable(id: string): Promise<void> {
      const rows = await db
        .update(xapiClients)
        .set({ disabled: true })
        .where(eq(xapiClients.id, id))
        .returning({ id: xapiClients.id });
      if (!rows.length) notFound('xAPI client');
    },

    /** The client behind an "Authorization: Basic" header: 401 when unknown or the secret is wrong, 403 when disabled. */
    async authenticate(header: string | undefined): Promise<XapiClient> {
      const creds = basicCredentials(header);
      if (!creds)
        throw new ApiError(
          'unauthenticated',
          'Send xAPI client credentials as HTTP Basic',
          undefined,
          BASIC_REALM,
        );
      const [row] = /^xk_[\w-]{1,100}$/.test(creds.key)
        ? await db.select().from(xapiClients).where(eq(xapiClients.key, creds.key))
        : [];
      const given = hashSecret(creds.secret);
      const expected = row
        ? Buffer.from(row.secretHash, 'base64url')
        : hashSecret(randomBytes(16).toString('hex'));
      if (!row || expected.length !== given.length || !timingSafeEqual(expected, given))
        throw new ApiError('invalid_credentials', 'The xAPI key or secret is wrong', undefined, BASIC_REALM);
      if (row.disabled) throw new ApiError('client_disabled', 'This xAPI client is disabled');
      return toDto(row);
    },
  };
}
export type XapiClientService = ReturnType<typeof xapiClientService>;
