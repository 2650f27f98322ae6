import { loadDesktopConfig } from './config.ts';
import { startCore } from './core.ts';

/** Web mode: the desktop core alone under Node; open the printed URL in any browser. */
async function main(): Promise<void> {
  const config = loadDesktopConfig();
  const core = await startCore({ config, mode: 'web', onError: (err) => console.error(err) });
  process.stdout.write(
    [
      '',
      '  Lyceum desktop (web mode) is running.',
      `  Open this link in your browser:  ${core.launchUrl}`,
      `  Sync server:  ${config.serverUrl}`,
      `  Data dir:     ${config.dataDir}`,
      '',
      '',
    ].join('\n'),
  );
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    core.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
