/** The keys `npm start` answers in an interactive terminal. */
export type KeyAction = 'toggle-server' | 'quit';

/** What a key pressed in raw mode asks for: `s` the sync server off/on, `q` / Ctrl-C / Ctrl-D quit. */
export function keyAction(key: string): KeyAction | null {
  switch (key) {
    case 's':
    case 'S':
      return 'toggle-server';
    case 'q':
    case 'Q':
    case '\u0003': // Ctrl-C: in raw mode the terminal sends it as a byte, not as SIGINT
    case '\u0004': // Ctrl-D
      return 'quit';
    default:
      return null;
  }
}

/** The keys line of the banner. */
export function keysHelp(serverKey: boolean): string {
  return serverKey ? 'Keys: s  stop/start the sync server (try the app offline)   q  quit' : 'Keys: q  quit';
}

/** The part of a terminal's stdin used here (a tty.ReadStream; a test passes its own). */
export interface KeyInput {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * Read single key presses from an interactive terminal and report the actions; answers a function that gives the
 * terminal back (cooked mode). Nothing is read, and null is answered, when stdin is not a terminal: a launcher run by
 * a script or CI must not wait on input, and is stopped by its signals instead.
 */
export function listenForKeys(input: KeyInput, onAction: (a: KeyAction) => void): (() => void) | null {
  if (!input.isTTY || !input.setRawMode) return null;
  input.setRawMode(true);
  input.setEncoding('utf8');
  const onData = (chunk: string | Buffer) => {
    for (const key of String(chunk)) {
      const action = keyAction(key);
      if (action) onAction(action);
    }
  };
  input.on('data', onData);
  input.resume();
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    input.off('data', onData);
    input.setRawMode?.(false);
    input.pause();
  };
}
