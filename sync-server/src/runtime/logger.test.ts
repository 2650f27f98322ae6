import { describe, expect, it } from 'vitest';
import { logSettings, prettyLine } from './logger.ts';

describe('log format', () => {
  const settings = (LOG_FORMAT: 'json' | 'pretty' | undefined, isTTY: boolean, env: NodeJS.ProcessEnv = {}) =>
    logSettings({ LOG_LEVEL: 'info', LOG_FORMAT }, { isTTY }, env);

  it('is readable in a terminal and JSON elsewhere, unless LOG_FORMAT says otherwise', () => {
    expect(settings(undefined, true).format).toBe('pretty');
    expect(settings(undefined, false).format).toBe('json');
    expect(settings('json', true).format).toBe('json');
    expect(settings('pretty', false).format).toBe('pretty');
  });

  it('has colours in a terminal, with NO_COLOR and FORCE_COLOR respected', () => {
    expect(settings(undefined, true).colorize).toBe(true);
    expect(settings(undefined, false).colorize).toBe(false);
    expect(settings(undefined, true, { NO_COLOR: '1' }).colorize).toBe(false);
    expect(settings('pretty', false, { FORCE_COLOR: '1' }).colorize).toBe(true);
    expect(settings(undefined, true, { TERM: 'dumb' }).colorize).toBe(false);
  });

  it('renders a JSON record as one line: time, level, message, fields — no pid or host', () => {
    const line = prettyLine(false)(
      JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1), pid: 1, hostname: 'h', port: 5, msg: 'slow' }),
    );
    expect(line.trimEnd()).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: slow \{"port":5\}$/);
  });
});
