import { contextBridge, ipcRenderer } from 'electron';
import { channels, type LyceumBridge } from './bridge.ts';

/**
 * The whole bridge between the sandboxed page and the OS: three calls, no Node, no raw ipcRenderer.
 * Everything else the page needs goes through the local API like in a browser.
 */
const bridge: LyceumBridge = {
  version: () => ipcRenderer.invoke(channels.version) as Promise<string>,
  openExternal: (url) => ipcRenderer.invoke(channels.openExternal, String(url)) as Promise<void>,
  notify: (title, body) =>
    ipcRenderer.invoke(channels.notify, { title: String(title), body: String(body) }) as Promise<void>,
};

contextBridge.exposeInMainWorld('lyceum', bridge);
