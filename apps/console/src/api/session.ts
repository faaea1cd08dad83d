/** The console's one API client and token store (a page has one session). */
import { ApiClient } from './api-client';
import { SessionTokenStore } from './token-store';

export const tokenStore = new SessionTokenStore();
export const api = new ApiClient(tokenStore);
