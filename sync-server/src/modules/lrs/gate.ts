import express, { type Request, type Response } from 'express';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import type { XapiClientService } from '../analytics/collector/xapi-clients.ts';

export const XAPI_VERSION = '1.0.3';
const BASIC_REALM = { 'www-authenticate': 'Basic realm="Lyceum xAPI", charset="UTF-8"' };

/** Who is calling the LRS: an xAPI client (HTTP Basic) or a Lyceum admin (bearer token). */
export interface LrsCaller {
  /** Recorded with dead letters: `client:<key>` or `admin:<id>`. */
  origin: string;
  /** The Agent the LRS writes as `authority` when a statement has none. */
  authority: { objectType: 'Agent'; name: string; account: { homePage: string; name: string } };
}

/**
 * Every answer under /xapi carries X-Experience-API-Version and X-Experience-API-Consistent-Through, errors
 * included (mounted ahead of body parsing, so a malformed body's 400 has them too).
 */
export function lrsHeaders(now: () => Date = () => new Date()): express.Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set('X-Experience-API-Version', XAPI_VERSION);
    res.set('X-Experience-API-Consistent-Through', now().toISOString());
    next();
  });
  return router;
}

/** Authenticate an LRS request and check its X-Experience-API-Version (1.0.x). */
export function lrsGate(clients: XapiClientService, homePage: () => string) {
  return async function gate(req: Request, _res: Response, user: Caller | null): Promise<LrsCaller> {
    let caller: LrsCaller;
    const authz = req.headers.authorization;
    if (user) {
      if (user.role !== 'admin')
        throw new ApiError('forbidden', 'Only admins (or xAPI client credentials) may use the xAPI resource');
      caller = {
        origin: `admin:${user.id}`,
        authority: {
          objectType: 'Agent',
          name: 'Lyceum admin',
          account: { homePage: homePage(), name: user.id },
        },
      };
    } else if (authz && /^Basic\s/i.test(authz)) {
      const client = await clients.authenticate(authz);
      caller = {
        origin: `client:${client.key}`,
        authority: {
          objectType: 'Agent',
          name: client.name,
          account: { homePage: homePage(), name: client.key },
        },
      };
    } else if (authz) {
      throw new ApiError('invalid_token', 'The access token is invalid or expired', undefined, BASIC_REALM);
    } else {
      throw new ApiError(
        'unauthenticated',
        'Send xAPI client credentials as HTTP Basic',
        undefined,
        BASIC_REALM,
      );
    }
    const version = req.get('x-experience-api-version')?.trim();
    if (!version || !/^1\.0(\.\d+)?$/.test(version))
      throw new ApiError(
        'xapi_version_unsupported',
        `Send the header X-Experience-API-Version: 1.0.x (this LRS speaks ${XAPI_VERSION})`,
        { received: version ?? null },
      );
    return caller;
  };
}
export type LrsGate = ReturnType<typeof lrsGate>;
