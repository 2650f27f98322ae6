import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  Notification,
  session,
  shell,
  type IpcMainInvokeEvent,
} from 'electron';
import { launchCookieName } from '../core/api/guard.ts';
import { RENDERER_CSP } from '../core/api/static.ts';
import { loadDesktopConfig, type DesktopConfig } from '../core/config.ts';
import { startCore, type Core } from '../core/core.ts';
import { channels } from '../preload/bridge.ts';
import { buildMenu } from './menu.ts';
import { safeStorageSecretBox } from './secret-box.ts';
import { loadWindowState, trackWindowState } from './window-state.ts';

/** dist/main, where this bundle, preload.cjs and the migrations live. */
const here = path.dirname(fileURLToPath(import.meta.url));

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;

function config(): DesktopConfig {
  const env = { ...process.env };
  // An installed app keeps its data where the OS expects it; a dev run uses ./.lyceum/desktop like web mode.
  if (app.isPackaged && !env.LYCEUM_DESKTOP_DATA_DIR && !env.LYCEUM_DATA_DIR)
    env.LYCEUM_DESKTOP_DATA_DIR = app.getPath('userData');
  return loadDesktopConfig(env);
}

function safeExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' || u.protocol === 'mailto:';
  } catch {
    return false;
  }
}

/** IPC is answered only for our own page. */
function fromApp(e: IpcMainInvokeEvent): boolean {
  const url = e.senderFrame?.url ?? '';
  return core !== null && (url === core.url || url.startsWith(`${core.url}/`));
}

function registerIpc(): void {
  ipcMain.handle(channels.version, (e) => (fromApp(e) ? app.getVersion() : null));
  ipcMain.handle(channels.openExternal, async (e, url: unknown) => {
    if (fromApp(e) && typeof url === 'string' && safeExternal(url)) await shell.openExternal(url);
  });
  ipcMain.handle(channels.notify, (e, n: unknown) => {
    if (!fromApp(e) || !Notification.isSupported()) return;
    const { title, body } = (n ?? {}) as { title?: unknown; body?: unknown };
    if (typeof title === 'string' && typeof body === 'string')
      new Notification({ title: title.slice(0, 200), body: body.slice(0, 1000) }).show();
  });
}

async function createWindow(c: Core, dataDir: string): Promise<BrowserWindow> {
  const state = loadWindowState(dataDir);
  const win = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 480,
    minHeight: 360,
    show: false,
    title: 'Lyceum',
    backgroundColor: '#f6f7fb',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true,
      devTools: !app.isPackaged,
      preload: path.join(here, 'preload.cjs'),
    },
  });
  if (state.maximized) win.maximize();
  trackWindowState(win, dataDir);

  const ses = win.webContents.session;
  // The page gets this launch's secret as an HttpOnly cookie, so it never appears in a URL or in page script.
  await ses.cookies.set({
    url: c.url,
    name: launchCookieName(c.port),
    value: c.secret,
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
  });
  // Defence in depth: the same CSP on everything this window loads, even if a response forgot it.
  ses.webRequest.onHeadersReceived((details, done) => {
    done({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  ses.setPermissionRequestHandler((_wc, _permission, allow) => allow(false));

  // The window shows only the app: other links go to the system browser, new windows never open here.
  win.webContents.on('will-navigate', (e, url) => {
    if (url.startsWith(`${c.url}/`)) return;
    e.preventDefault();
    if (safeExternal(url)) void shell.openExternal(url);
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (safeExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  await win.loadURL(`${c.url}/`);
  return win;
}

async function start(): Promise<void> {
  const cfg = config();
  core = await startCore({
    config: cfg,
    mode: 'electron',
    version: app.getVersion(),
    secretBox: safeStorageSecretBox(cfg.dataDir),
    rendererDir: path.resolve(here, '../renderer'),
    onError: (err) => console.error(err),
  });
  registerIpc();
  Menu.setApplicationMenu(buildMenu({ serverUrl: cfg.serverUrl, devTools: !app.isPackaged }));
  mainWindow = await createWindow(core, cfg.dataDir);
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  console.log(`Lyceum desktop window open (local API ${core.url}, server ${cfg.serverUrl})`);
}

if (!app.requestSingleInstanceLock()) {
  // Another Lyceum is running: it gets focus (second-instance below) and this one leaves.
  app.quit();
} else {
  app.enableSandbox();
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && core) void createWindow(core, config().dataDir).then((w) => (mainWindow = w));
  });
  let closed = false;
  app.on('will-quit', (e) => {
    if (closed || !core) return;
    e.preventDefault();
    void core.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  app.whenReady().then(start, (err: unknown) => {
    console.error(err);
    app.exit(1);
  });
  process.on('unhandledRejection', (err) => console.error(err));
  app.on('ready', () => {
    session.defaultSession.setPermissionRequestHandler((_wc, _p, allow) => allow(false));
  });
}
