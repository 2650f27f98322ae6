import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Mailer } from '../lib/mailer.ts';
import type { AnyRoute } from '../http/route.ts';

/** What the composition root hands every module. */
export interface ModuleDeps {
  config: Config;
  db: Db;
  pool: pg.Pool;
  logger: Logger;
  mailer: Mailer;
}

export interface HttpModule {
  routes: AnyRoute[];
}
