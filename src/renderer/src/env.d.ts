/// <reference types="vite/client" />
import type { ApiClient } from '../../shared/contract.ts';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** Provided by the Electron preload; absent when the UI is served over HTTP. */
    api?: ApiClient;
  }
}
