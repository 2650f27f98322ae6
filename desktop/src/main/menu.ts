import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';

/** Native menus: the platform's usual ones, plus links to the server's docs. */
export function buildMenu(opts: { serverUrl: string; devTools: boolean }): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { label: '&File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        ...(opts.devTools ? [{ role: 'toggleDevTools' as const }] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: `About Lyceum ${app.getVersion()}`, enabled: false },
        {
          label: 'Sync server API documentation',
          click: () => void shell.openExternal(`${opts.serverUrl}/api/docs/`),
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
