/**
 * The Electron shell: the only file that imports electron. It hosts the same API as web mode
 * in-process (IPC for calls, the local WebSocket for events and terminals) and stays thin.
 */
import { app, BrowserWindow, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { methodNames, parseRequest, ApiError } from '../../shared/api/contract.js';
import { callHandler } from '../api/dispatch.js';
import { startApiHost, type ApiHost } from '../app/api-host.js';
import { packageRoot } from '../platform/package-root.js';
import { ipcChannel, isRendererPage } from './channels.js';

let host: ApiHost | null = null;
let window: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error(error);
    app.exit(1);
  });
}

const rendererIndex = (): string => join(packageRoot(), 'dist', 'renderer', 'index.html');

/** Only our own page may call the API: check the frame that sent every IPC message. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  return isRendererPage(event.senderFrame?.url ?? '', rendererIndex());
}

async function start(): Promise<void> {
  host = await startApiHost({ kind: 'electron' });
  for (const method of methodNames) {
    ipcMain.handle(ipcChannel(method), async (event, request: unknown) => {
      if (!trustedSender(event)) throw new Error('IPC from an untrusted frame');
      try {
        return { ok: true, value: await callHandler(host!.handlers, method, parseRequest(method, request)) };
      } catch (error) {
        const apiError = error instanceof ApiError ? error : new ApiError('internal', String(error));
        return { ok: false, error: { code: apiError.code, message: apiError.message, ...(apiError.fix ? { fix: apiError.fix } : {}) } };
      }
    });
  }
  // The CSP for file:// pages comes from headers we add here (and the meta tag in index.html).
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:*",
        ],
      },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  window = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'Firedrill',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: join(packageRoot(), 'dist', 'main', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window?.show());
  // No new windows and no navigation away from the app; links open in the user's browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  await window.loadFile(rendererIndex());
}

app.on('window-all-closed', () => app.quit());
app.on('before-quit', (event) => {
  if (!host) return;
  event.preventDefault();
  const closing = host;
  host = null;
  void closing.close().finally(() => app.exit(0));
});
