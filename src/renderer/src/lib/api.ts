import type { ApiClient } from '../../../shared/contract.ts';
import { createApiClient } from './api-client.ts';
import { createHttpTransport } from './http-transport.ts';
import { takePageToken } from './page-token.ts';

/** The client over `window.api` from Electron's preload, or over the HTTP bridge when the UI is served to a browser. */
export const api: ApiClient = createApiClient(window.api ?? createHttpTransport({ token: takePageToken() }));
