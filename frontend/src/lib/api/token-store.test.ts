import { afterEach, describe, expect, it, vi } from 'vitest';

import { makeJwt } from '@/testing/jwt';

import { decodeJwtPayload, getTokenExpiry } from './jwt';
import { ACCESS_TOKEN_KEY, REFRESH_TOKEN_KEY, tokenStore } from './token-store';

describe('tokenStore', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keeps the refresh token in localStorage and the access token in sessionStorage', () => {
    tokenStore.setTokens({ access_token: 'access-1', refresh_token: 'refresh-1' });

    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-1');
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBe('access-1');
    expect(localStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(REFRESH_TOKEN_KEY).toBe('rayport.refresh_token');
    expect(ACCESS_TOKEN_KEY).toBe('rayport.access_token');
    expect(tokenStore.getAccessToken()).toBe('access-1');
    expect(tokenStore.getRefreshToken()).toBe('refresh-1');
    expect(tokenStore.hasSession()).toBe(true);
  });

  it('sees tokens written by another tab (shared localStorage)', () => {
    localStorage.setItem(REFRESH_TOKEN_KEY, 'from-other-tab');
    expect(tokenStore.getRefreshToken()).toBe('from-other-tab');
  });

  it('clear() removes both; clearAccessToken() only the access token', () => {
    tokenStore.setTokens({ access_token: 'a', refresh_token: 'r' });
    tokenStore.clearAccessToken();
    expect(tokenStore.getAccessToken()).toBeNull();
    expect(tokenStore.getRefreshToken()).toBe('r');

    tokenStore.setTokens({ access_token: 'a', refresh_token: 'r' });
    tokenStore.clear();
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
    expect(tokenStore.hasSession()).toBe(false);
  });

  it('falls back to memory when storage throws (private mode, disabled WebView storage)', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('QuotaExceededError');
    });
    tokenStore.setTokens({ access_token: 'mem-a', refresh_token: 'mem-r' });
    expect(tokenStore.getAccessToken()).toBe('mem-a');
    expect(tokenStore.getRefreshToken()).toBe('mem-r');
    tokenStore.clear();
    expect(tokenStore.getAccessToken()).toBeNull();
    expect(tokenStore.getRefreshToken()).toBeNull();
  });
});

describe('jwt', () => {
  it('reads exp (ms) from a base64url payload', () => {
    const token = makeJwt({ expiresInSec: 600 });
    const payload = decodeJwtPayload(token);
    expect(payload?.sub).toBe('user-1');
    const expiry = getTokenExpiry(token);
    expect(expiry).not.toBeNull();
    expect(Math.abs(expiry! - (Date.now() + 600_000))).toBeLessThan(2000);
  });

  it('handles UTF-8 claims and URL-safe characters', () => {
    const json = JSON.stringify({ exp: 2_000_000_000, name: 'Алиса ~~??>>' });
    const payload = btoa(String.fromCharCode(...new TextEncoder().encode(json)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(decodeJwtPayload(`h.${payload}.s`)).toEqual({ exp: 2_000_000_000, name: 'Алиса ~~??>>' });
  });

  it('returns null for garbage instead of throwing', () => {
    expect(decodeJwtPayload('not-a-jwt')).toBeNull();
    expect(decodeJwtPayload('a.%%%.c')).toBeNull();
    expect(getTokenExpiry('a.e30.c')).toBeNull(); // {} has no exp
  });
});
