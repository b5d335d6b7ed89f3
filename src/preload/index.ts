import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';

/**
 * Exposes exactly the API contract to the renderer as `window.api`: `call(method, input)` and `on(event, cb)`.
 * Nothing else of Electron or Node reaches the page. Inputs are validated again in the main process.
 */
const api = {
  async call(method: string, input: unknown): Promise<unknown> {
    const reply = (await ipcRenderer.invoke('api:call', method, input)) as
      | { ok: true; result: unknown }
      | { ok: false; error: { code: string; message: string; details?: unknown } };
    if (reply.ok) return reply.result;
    const error = new Error(reply.error.message) as Error & { code?: string; details?: unknown };
    error.code = reply.error.code;
    error.details = reply.error.details;
    throw error;
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
