/// <reference types="vite/client" />
import type { ApiTransport } from '../../shared/api-transport.ts';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** The IPC transport of the Electron preload; absent when the UI is served over HTTP. Call through lib/api.ts. */
    api?: ApiTransport;
  }
}
