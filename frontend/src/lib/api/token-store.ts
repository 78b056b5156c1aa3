import type { TokenPair } from './types';

/** localStorage: survives restarts and is shared by tabs (the refresh token is the session). */
export const REFRESH_TOKEN_KEY = 'rayport.refresh_token';
/** sessionStorage: per tab, gone with the tab. A new tab starts by refreshing. */
export const ACCESS_TOKEN_KEY = 'rayport.access_token';

/**
 * Storage can throw (Safari private mode, a WebView with storage disabled, quota). The app
 * must still work for the lifetime of the page, so fall back to memory per key.
 */
const memory = new Map<string, string>();

function storage(kind: 'local' | 'session'): Storage | null {
  try {
    return kind === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return null;
  }
}

function read(kind: 'local' | 'session', key: string): string | null {
  try {
    const value = storage(kind)?.getItem(key);
    if (value != null) return value;
  } catch {
    // fall through to memory
  }
  return memory.get(`${kind}:${key}`) ?? null;
}

function write(kind: 'local' | 'session', key: string, value: string | null): void {
  const memoryKey = `${kind}:${key}`;
  try {
    const store = storage(kind);
    if (store) {
      if (value === null) store.removeItem(key);
      else store.setItem(key, value);
      memory.delete(memoryKey);
      return;
    }
  } catch {
    // fall through to memory
  }
  if (value === null) memory.delete(memoryKey);
  else memory.set(memoryKey, value);
}

export const tokenStore = {
  getAccessToken(): string | null {
    return read('session', ACCESS_TOKEN_KEY);
  },
  getRefreshToken(): string | null {
    return read('local', REFRESH_TOKEN_KEY);
  },
  setTokens(pair: Pick<TokenPair, 'access_token' | 'refresh_token'>): void {
    write('local', REFRESH_TOKEN_KEY, pair.refresh_token);
    write('session', ACCESS_TOKEN_KEY, pair.access_token);
  },
  /** Drops the tab's access token only (e.g. it was rejected); the session may still refresh. */
  clearAccessToken(): void {
    write('session', ACCESS_TOKEN_KEY, null);
  },
  clear(): void {
    write('local', REFRESH_TOKEN_KEY, null);
    write('session', ACCESS_TOKEN_KEY, null);
  },
  hasSession(): boolean {
    return this.getRefreshToken() !== null;
  },
};
