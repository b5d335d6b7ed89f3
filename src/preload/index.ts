import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { ApiReply, ApiTransport } from '../shared/api-transport.ts';

/**
 * Exposes the API transport to the renderer as `window.api`: `invoke(method, input)` and `on(event, cb)`. Nothing
 * else of Electron or Node reaches the page. Inputs are validated again in the main process.
 *
 * Replies cross as they are, errors included: an Error thrown here would reach the page as a plain Error (the
 * context bridge drops its class and its code), so the renderer makes the ApiError (lib/api-client.ts), as it does
 * for the HTTP bridge.
 */
const api: ApiTransport = {
  invoke(method: string, input: unknown): Promise<ApiReply> {
    return ipcRenderer.invoke('api:call', method, input) as Promise<ApiReply>;
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('api:event', wrapped);
    return () => ipcRenderer.off('api:event', wrapped);
  },
};

contextBridge.exposeInMainWorld('api', api);
