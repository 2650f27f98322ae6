import path from 'node:path';
import { z } from 'zod';

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
);

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  LYCEUM_DATA_DIR: z.string().optional(),
  DATABASE_URL: z.string().url().optional(),
  PUBLIC_URL: z.string().url().optional(),
  JWT_SECRET: z.string().min(32).optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().positive().default(30),
  /** Unset: the desktop app, plus the Vite dev server's origins except when NODE_ENV=production. */
  CORS_ORIGINS: csv.optional(),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Lyceum <no-reply@lyceum.local>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` (one JSON object a line) or `pretty` (one readable line); unset: pretty in a terminal, JSON elsewhere. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SEED_DEMO: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  DB_POOL_SIZE: z.coerce.number().int().positive().default(20),
  // --- several API nodes ---
  /** Redis, e.g. `redis://redis:6379`: socket.io pokes, session revocations and rate limits shared by every API node. */
  REDIS_URL: z.string().url().optional(),
  /**
   * Which proxies' X-Forwarded-For to believe (Express "trust proxy"): `loopback` (default), `false`, `true`, a hop
   * count (`1`), or addresses/subnets (`10.0.0.0/8,192.168.1.10`). Behind a load balancer, name it here so logins are
   * throttled per real client address.
   */
  TRUST_PROXY: z
    .string()
    .default('loopback')
    .transform((v): boolean | number | string =>
      v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v,
    ),
  /** Where rate-limit counters live: Redis (default when REDIS_URL), PostgreSQL (default otherwise), or this process. */
  RATE_LIMIT_STORE: z.enum(['redis', 'postgres', 'memory']).optional(),
  /** Course searches (GET /api/v1/courses with q) a signed-in user may make per minute. */
  RATE_LIMIT_SEARCH_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** Analytics reads per user per minute (the console's live dashboard refetches at most every 400 ms: 150). */
  RATE_LIMIT_DASHBOARD_PER_MINUTE: z.coerce.number().int().positive().default(240),
  /** Exports (gradebook CSV, course report) per user per minute. */
  RATE_LIMIT_EXPORT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** Account creations and reset requests per client address per minute. */
  RATE_LIMIT_ACCOUNT_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Per client address, each per-user limit above times this (a classroom shares one address behind NAT). */
  RATE_LIMIT_IP_FACTOR: z.coerce.number().positive().default(5),
  // --- payments: the sandbox gateway unless STRIPE_SECRET_KEY is set ---
  /** Stripe secret key (`sk_test_…` / `sk_live_…`); unset: the in-process sandbox gateway. */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** The webhook endpoint's signing secret (`whsec_…`; `stripe listen` prints one); required with STRIPE_SECRET_KEY. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** `on`: Stripe Tax computes tax on Checkout Sessions (course prices are then tax-exclusive). */
  STRIPE_AUTOMATIC_TAX: z.enum(['on', 'off']).default('off'),
  /** Refund policy for instructors and students (admins may always refund): at most this many days after purchase… */
  REFUND_WINDOW_DAYS: z.coerce.number().int().min(0).max(3650).default(14),
  /** …and with at most this share of the course completed (percent of its required lessons). */
  REFUND_MAX_PROGRESS_PERCENT: z.coerce.number().min(0).max(100).default(30),
  // --- notifications: the durable job scheduler (graphile-worker in PostgreSQL) ---
  /** `on`: this process runs scheduled jobs (reminders, releases, announcements, digests, email retries); every node may. */
  SCHEDULER: z.enum(['on', 'off']).default('on'),
  /** How often the scheduler looks for jobs that became due (ms); jobs due at once are picked up immediately. */
  SCHEDULER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  // --- analytics: embedded (PostgreSQL) unless these name the real services ---
  /** Kafka bootstrap brokers, e.g. `kafka1:9092,kafka2:9092`; unset: the event log in PostgreSQL. */
  KAFKA_BROKERS: csv.optional(),
  KAFKA_CLIENT_ID: z.string().default('lyceum'),
  /** Elasticsearch, e.g. `http://localhost:9200`; unset: the analytics schema in PostgreSQL. */
  ELASTICSEARCH_URL: z.string().url().optional(),
  ELASTICSEARCH_API_KEY: z.string().optional(),
  /** Bearer token Prometheus sends to /metrics; unset: only loopback and private addresses may scrape. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Each ffmpeg run over an upload is killed after BASE + PER_SOURCE_SECOND × the video's duration (seconds). */
  MEDIA_FFMPEG_TIMEOUT_BASE_SECONDS: z.coerce.number().positive().default(60),
  MEDIA_FFMPEG_TIMEOUT_PER_SOURCE_SECOND: z.coerce.number().positive().default(10),
  /** Address-space limit of each ffmpeg/ffprobe process (MiB, through prlimit when installed; 0: none). */
  MEDIA_FFMPEG_MEMORY_MB: z.coerce.number().int().min(0).default(3072),
  /**
   * Where the analytics processor runs: a worker thread of this process (default), this process's own thread
   * (`embedded`), or only in `npm run processor` (`off`).
   */
  ANALYTICS_PROCESSOR: z.enum(['thread', 'embedded', 'off']).default('thread'),
  /** Backpressure: the collector's APIs answer 503 collector_busy while this many events are being collected (0: off). */
  ANALYTICS_MAX_INFLIGHT: z.coerce.number().int().min(0).default(20_000),
  /**
   * Backpressure: ... or while the in-process processor is this many events behind (0, the default: off — the stream
   * is there to buffer for the processor, and refusing on lag made senders' resends take the capacity it protects).
   */
  ANALYTICS_MAX_LAG: z.coerce.number().int().min(0).default(0),
  /** Relay platform events from the transactional outbox to the collector in this process (safe in every process). */
  ANALYTICS_OUTBOX_RELAY: z.enum(['on', 'off']).default('on'),
  /** Drop folder for NDJSON/CSV event files (relative: inside the data dir); default `<dataDir>/analytics/inbox`; `off`: none. */
  ANALYTICS_DROP_DIR: z.string().min(1).optional(),
  /** External SQL tables the collector polls: a JSON array (see modules/analytics/collector/sources/config.ts). */
  ANALYTICS_SQL_SOURCES: z.string().optional(),
  /** The same array in a JSON file (path relative to the working directory). */
  ANALYTICS_SQL_SOURCES_FILE: z.string().optional(),
});

/** Origins allowed by default: the desktop app's, and in development the renderer's dev server. */
export const DEFAULT_CORS_ORIGINS = ['app://lyceum'];
export const DEV_CORS_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

export type Config = Omit<z.infer<typeof configSchema>, 'CORS_ORIGINS'> & {
  CORS_ORIGINS: string[];
  dataDir: string;
};

/** Parse process env (or a given record) into a validated config. Relative data dirs resolve against where npm was invoked. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const base = env.INIT_CWD ?? process.cwd();
  const dataDir = path.resolve(base, parsed.data.LYCEUM_DATA_DIR ?? '.lyceum');
  const CORS_ORIGINS =
    parsed.data.CORS_ORIGINS ??
    (env.NODE_ENV === 'production' ? DEFAULT_CORS_ORIGINS : [...DEV_CORS_ORIGINS, ...DEFAULT_CORS_ORIGINS]);
  return { ...parsed.data, CORS_ORIGINS, dataDir };
}
