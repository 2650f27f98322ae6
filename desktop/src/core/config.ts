import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  LYCEUM_SERVER_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4000'),
  LYCEUM_DESKTOP_DATA_DIR: z.string().min(1).optional(),
  LYCEUM_DATA_DIR: z.string().min(1).optional(),
  /** Port of the local API; 0 (default) picks a free one. */
  LYCEUM_DESKTOP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LYCEUM_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(8000),
});

export interface DesktopConfig {
  serverUrl: string;
  dataDir: string;
  port: number;
  requestTimeoutMs: number;
}

/**
 * Desktop configuration from the environment. The data dir is LYCEUM_DESKTOP_DATA_DIR, else `<LYCEUM_DATA_DIR or ./.lyceum>/desktop`;
 * relative paths resolve against where npm was invoked (INIT_CWD), like the server's.
 */
export function loadDesktopConfig(env: Record<string, string | undefined> = process.env): DesktopConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid desktop configuration:\n${lines}`);
  }
  const e = parsed.data;
  const base = env.INIT_CWD ?? process.cwd();
  const dataDir = e.LYCEUM_DESKTOP_DATA_DIR
    ? path.resolve(base, e.LYCEUM_DESKTOP_DATA_DIR)
    : path.resolve(base, e.LYCEUM_DATA_DIR ?? '.lyceum', 'desktop');
  return {
    serverUrl: e.LYCEUM_SERVER_URL.replace(/\/+$/, ''),
    dataDir,
    port: e.LYCEUM_DESKTOP_PORT,
    requestTimeoutMs: e.LYCEUM_REQUEST_TIMEOUT_MS,
  };
}
