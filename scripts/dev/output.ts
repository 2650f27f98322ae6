import type { Readable } from 'node:stream';
import { prettyLine, type LogFormat } from '../../sync-server/src/runtime/logger.ts';

/** pino's numeric levels: 40 warn, 50 error, 60 fatal. */
const WARN = 40;

function record(line: string): { level: number } | null {
  if (!line.startsWith('{')) return null;
  try {
    const r = JSON.parse(line) as unknown;
    return r && typeof r === 'object' && typeof (r as { level?: unknown }).level === 'number'
      ? (r as { level: number })
      : null;
  } catch {
    return null;
  }
}

/**
 * Relays a child's output (the sync server runs with LOG_FORMAT=json under the launcher) to the launcher's terminal,
 * one line at a time: JSON log records rendered as the launcher's format asks (one readable line, or the JSON as is),
 * other lines as they are. While `holding` (start-up), records below warn level are counted instead of shown and plain
 * lines (the child's banner) are kept for the launcher's own banner, so nothing interleaves with it.
 */
export class OutputRelay {
  private holding = true;
  private held = 0;
  private plain: string[] = [];
  private partial = '';
  private readonly render: (line: string) => string;
  private readonly verbose: boolean;

  constructor(
    private readonly write: (text: string) => void,
    o: { format: LogFormat; colorize: boolean; verbose: boolean },
  ) {
    const pretty = prettyLine(o.colorize);
    this.render = o.format === 'pretty' ? (l) => pretty(l).replace(/\n?$/, '\n') : (l) => `${l}\n`;
    this.verbose = o.verbose;
    this.holding = !o.verbose;
  }

  attach(stream: Readable | null | undefined): void {
    stream?.on('data', (chunk: Buffer) => this.feed(chunk.toString('utf8')));
    stream?.on('end', () => this.flush());
  }

  feed(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.line(l);
  }

  flush(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  private line(l: string): void {
    const r = record(l);
    if (!r) {
      if (this.holding) this.plain.push(l);
      else this.write(`${l}\n`);
    } else if (this.holding && r.level < WARN) this.held += 1;
    else this.write(this.render(l));
  }

  /** Start-up is over: show everything from now on; answers what was held back (the plain lines, the count of records). */
  release(): { plain: string[]; held: number } {
    const out = { plain: this.plain, held: this.held };
    this.holding = false;
    this.plain = [];
    this.held = 0;
    return out;
  }

  /** Start-up again (the sync server started anew by its key). */
  hold(): void {
    this.holding = !this.verbose;
  }
}
