import type { ApiClient } from '../../../shared/contract.ts';
import { createHttpClient } from './http-client.ts';

/** `window.api` from Electron's preload, or the HTTP bridge client when the UI is served to a browser. */
export const api: ApiClient = window.api ?? createHttpClient();
