import fs from 'node:fs';
import path from 'node:path';
import { screen, type BrowserWindow, type Rectangle } from 'electron';
import { z } from 'zod';

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(10_000),
  height: z.number().int().min(300).max(10_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

const DEFAULT: WindowState = { width: 1200, height: 800, maximized: false };

function visible(b: Rectangle): boolean {
  return screen
    .getAllDisplays()
    .some(
      ({ workArea: w }) =>
        b.x < w.x + w.width - 50 && b.x + b.width > w.x + 50 && b.y >= w.y - 10 && b.y < w.y + w.height - 50,
    );
}

/** The remembered size and position, if it still fits on a connected display. */
export function loadWindowState(dataDir: string): WindowState {
  try {
    const s = WindowState.parse(JSON.parse(fs.readFileSync(path.join(dataDir, 'window-state.json'), 'utf8')));
    if (
      s.x !== undefined &&
      s.y !== undefined &&
      !visible({ x: s.x, y: s.y, width: s.width, height: s.height })
    ) {
      return { width: s.width, height: s.height, maximized: s.maximized };
    }
    return s;
  } catch {
    return DEFAULT;
  }
}

/** Save size, position and maximized state when they change (debounced) and when the window closes. */
export function trackWindowState(win: BrowserWindow, dataDir: string): void {
  const file = path.join(dataDir, 'window-state.json');
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    const state: WindowState = {
      x: b.x,
      y: b.y,
      width: b.width,
      height: b.height,
      maximized: win.isMaximized(),
    };
    try {
      fs.writeFileSync(file, JSON.stringify(state));
    } catch {
      /* not worth failing over */
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e as 'resize', later);
  win.on('close', () => {
    if (timer) clearTimeout(timer);
    save();
  });
}
