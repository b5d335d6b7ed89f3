import { app, BrowserWindow, dialog, net, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AUDIO_SCHEME } from '../shared/api/audio.ts';
import { audioProtocolHandler } from './bridge/audio-protocol.ts';
import { contentSecurityPolicy } from './bridge/content-security-policy.ts';
import { setPackagedBinDir } from './core/audio/locate-ffmpeg.ts';
import { setShippedModelsDir } from './core/models/store/shipped-models-dir.ts';
import { setBundledEntryDir } from './core/runtime/entry-file-url.ts';
import { registerIpc } from './ipc.ts';
import { createAppContext, KEEP_WORKERS_MS } from './services/app-context.ts';
import { OTHER_PROCESSES_CHECK_MS } from './services/other-processes.ts';
import { trackAudioStreamer } from './services/audio.ts';
import { createHandlers } from './services/handlers.ts';
import { defaultDbPath } from './services/user-data-dir.ts';
import { isAllowedExternalUrl, isTrustedRendererUrl, RENDERER_SCHEME, RENDERER_URL, rendererFileFor } from './window-security.ts';

// Electron bootstrap: the window, its security settings, IPC. Everything else lives in services and core.
const here = fileURLToPath(new URL('.', import.meta.url));
// Workers and the other entry files run from the bundle beside this file (core/runtime/entry-file-url.ts).
setBundledEntryDir(here);
setPackagedBinDir(app.isPackaged ? join(process.resourcesPath, 'bin') : null);
// electron-builder copies models/ to resources/models (extraResources), outside the asar archive; unpackaged (npm
// start) they are the project's models/. Set either way: the bundle does not sit where the sources do.
setShippedModelsDir(app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'models'));

const devServer = process.env.ELECTRON_RENDERER_URL;
const rendererDir = join(here, '../renderer');
const isTrustedUrl = (url: string): boolean => isTrustedRendererUrl(url, devServer);

// The renderer is served from app://renderer (window-security.ts), a standard, secure scheme of its own; library
// tracks play from genre-audio://track/<id> (bridge/audio-protocol.ts), streamed (media elements need `stream`).
protocol.registerSchemesAsPrivileged([
  { scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: AUDIO_SCHEME, privileges: { standard: true, secure: true, stream: true } },
]);

function serveRenderer(): void {
  protocol.handle(RENDERER_SCHEME, async (request) => {
    const file = rendererFileFor(request.url, rendererDir);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy(devServer));
    return new Response(response.body, { status: response.status, headers });
  });
}

let mainWindow: BrowserWindow | null = null;

async function createWindow(): Promise<void> {
  const dataDir = app.getPath('userData');
  let win: BrowserWindow | null = null;
  const ctx = createAppContext({
    shell: 'electron',
    version: app.getVersion(),
    dbPath: process.env.GENRE_TAGGER_DB ?? defaultDbPath(dataDir),
    library: { createFolders: process.env.GENRE_TAGGER_DB === undefined },
    dataDir,
    keepWorkersMs: KEEP_WORKERS_MS,
    watchOtherProcessesMs: OTHER_PROCESSES_CHECK_MS,
    pickFolder: async () => {
      const r = await dialog.showOpenDialog(win!, { properties: ['openDirectory', 'multiSelections'], title: 'Add a music folder' });
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
    },
  });

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(devServer)] },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Genre Tagger',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!isTrustedUrl(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  const unregister = registerIpc(createHandlers(ctx), ctx.events, win, isTrustedUrl);
  protocol.handle(AUDIO_SCHEME, audioProtocolHandler(trackAudioStreamer(ctx)));
  mainWindow = win;
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => {
    mainWindow = null;
    unregister();
    protocol.unhandle(AUDIO_SCHEME);
    void ctx.close();
  });
  if (devServer) await win.loadURL(devServer);
  else await win.loadURL(RENDERER_URL);
}

/**
 * What the app cannot start without (the library above all: a damaged file, a folder that cannot be written)
 * is said in a window, not left to a console nobody sees, and the app quits.
 */
function failToStart(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('Genre Tagger cannot start', message);
  app.quit();
}

// One instance per user: two would write the same library database and tag journal. A second launch brings the
// first one's window forward, and quits at once (so would a launch that was meant to run as Node and did not).
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.enableSandbox();
  void app
    .whenReady()
    .then(() => {
      serveRenderer();
      return createWindow();
    })
    .catch(failToStart);
  app.on('window-all-closed', () => app.quit());
}
