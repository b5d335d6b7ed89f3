import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { eventNames } from '../shared/events.ts';
import type { EventBus } from './services/event-bus.ts';
import type { ApiReply } from '../shared/api-transport.ts';
import { answerCall } from './services/dispatch.ts';
import type { Handlers } from './services/handler-set.ts';

/**
 * Binds the contract to IPC. Only the app's own window, showing the app's own page, may call: the sender's frame
 * must be the main window's top frame at the expected origin. Inputs are validated by `dispatch`.
 */
export function registerIpc(handlers: Handlers, events: EventBus, window: BrowserWindow, isTrustedUrl: (url: string) => boolean): () => void {
  const senderOk = (e: IpcMainInvokeEvent): boolean =>
    e.sender.id === window.webContents.id && e.senderFrame !== null && e.senderFrame.parent === null && isTrustedUrl(e.senderFrame.url);

  ipcMain.handle('api:call', async (e, method: unknown, input: unknown): Promise<ApiReply> => {
    if (!senderOk(e)) return { ok: false, error: { code: 'forbidden', message: 'Call from an untrusted frame' } };
    if (typeof method !== 'string') return { ok: false, error: { code: 'unknown_method', message: 'Method must be a string' } };
    return answerCall(handlers, method, input);
  });
  const offs = eventNames.map((name) =>
    events.on(name, (payload) => {
      if (!window.isDestroyed()) window.webContents.send('api:event', name, payload);
    }),
  );
  return () => {
    ipcMain.removeHandler('api:call');
    for (const off of offs) off();
  };
}
