import { parseArgs } from 'node:util';
import { Role } from '@lyceum/contracts';
import { loadConfig } from './config.ts';
import { createServer } from './app.ts';
import { runProcessor } from './processor-main.ts';
import { heapTuningGap } from './runtime/heap.ts';
import { surviveDatabaseOutages } from './db/errors.ts';
import { demoLogins, seedDemoIfEmpty } from './seed/demo.ts';

const usage =
  'usage: main.ts start | processor | migrate | seed | create-user --email E --name N --password P [--role student|instructor|admin]';

/** The admin console is a Vite bundle: build it on start when its sources changed (dev); '' or why it is missing. */
async function buildConsoleIfStale(): Promise<string> {
  try {
    const { ensureConsoleBuilt } = await import('../console/build.ts');
    await ensureConsoleBuilt();
    return '';
  } catch (err) {
    return ` (not built: ${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
}

/**
 * The first SIGINT/SIGTERM/SIGHUP, listened for from now on (a stop asked for during start-up waits for it to finish).
 * A Ctrl-C in a terminal reaches npm, tsx and this process, and npm and tsx relay it again: the repeats are ignored
 * (with `process.once`, the second one would kill the process in the middle of its orderly stop).
 */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, resolve);
  });
}

async function main(command: string | undefined): Promise<void> {
  const config = loadConfig();
  switch (command) {
    case 'start': {
      const stopped = stopSignal();
      const consoleNote = await buildConsoleIfStale();
      const server = await createServer({ config });
      // A background task that lost the database while it was down tries again; it must not end the process.
      surviveDatabaseOutages(server.logger);
      const heapGap = heapTuningGap();
      if (heapGap) server.logger.warn(heapGap);
      void stopped.then((signal) => {
        server.logger.info({ signal }, 'shutting down');
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            server.logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
      const seeded = config.SEED_DEMO ? await seedDemoIfEmpty(server) : false;
      const url = await server.listen();
      const lines = [
        '',
        `  Lyceum sync server ready at ${url}`,
        `  API docs:   ${url}/api/docs/`,
        `  Admin:      ${url}/admin/${consoleNote}`,
        `  Data dir:   ${config.dataDir}${config.DATABASE_URL ? '' : ' (embedded PostgreSQL)'}`,
        ...(seeded ? ['  Demo data was created on this first start.'] : []),
        '',
        '  Demo logins:',
        ...demoLogins.map((d) => `    ${d.role.padEnd(11)} ${d.email.padEnd(28)} ${d.password}`),
        '',
      ];
      process.stdout.write(lines.join('\n') + '\n');
      return;
    }
    case 'processor': {
      const stopped = stopSignal();
      const stop = await runProcessor(config);
      void stopped.then(() =>
        stop().then(
          () => process.exit(0),
          () => process.exit(1),
        ),
      );
      return;
    }
    case 'migrate': {
      const server = await createServer({ config });
      server.logger.info('migrations are up to date');
      await server.close();
      return;
    }
    case 'seed': {
      const server = await createServer({ config });
      const seeded = await seedDemoIfEmpty(server);
      process.stdout.write(
        seeded ? 'Demo data created.\n' : 'The database already has users; nothing seeded.\n',
      );
      await server.close();
      return;
    }
    case 'create-user': {
      // Bootstrap accounts (e.g. the first admin of an empty database); an existing email gets the role.
      const { values } = parseArgs({
        args: process.argv.slice(3),
        options: {
          email: { type: 'string' },
          name: { type: 'string' },
          password: { type: 'string' },
          role: { type: 'string' },
        },
      });
      const role = Role.parse(values.role ?? 'student');
      if (!values.email || !values.name || !values.password) throw new Error(usage);
      const server = await createServer({ config });
      try {
        const existing = await server.identity.accounts.findByEmail(values.email.toLowerCase());
        if (existing) {
          await server.identity.admin.update('command-line', existing.id, { role });
          process.stdout.write(`${existing.email} is now ${role}\n`);
        } else {
          const u = await server.identity.accounts.createUser({
            email: values.email.toLowerCase(),
            name: values.name,
            password: values.password,
            role,
          });
          process.stdout.write(`created ${role} ${u.email} (${u.id})\n`);
        }
      } finally {
        await server.close();
      }
      return;
    }
    default:
      process.stderr.write(`${usage}\n`);
      process.exit(2);
  }
}

main(process.argv[2]).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
