/**
 * Access-token renewal: single-flight per tab, serialised across tabs, scheduled ahead of
 * expiry. The refresh token is rotated on every use and the server treats reuse of a used one
 * as theft (the whole session is revoked, DESIGN §5), so two refreshes must never send the
 * same refresh token: within a tab every caller joins one in-flight promise; across tabs a Web
 * Lock serialises refreshes and the token is read from localStorage *inside* the lock.
 */
import { apiErrorFromResponse, ApiError, networkError } from './errors';
import { baseHeaders, buildUrl } from './http';
import { getTokenExpiry, decodeJwtPayload } from './jwt';
import { tokenStore } from './token-store';
import type { RefreshBody, TokenPair } from './types';

export const REFRESH_PATH = '/auth/v1/refresh';
export const REFRESH_LOCK_NAME = 'rayport.auth.refresh';
/** Refresh this long before `exp` (capped at half the token's lifetime for short tokens). */
export const REFRESH_LEEWAY_MS = 60_000;
/** A refresh that takes longer is abandoned (reported as `network_error`; the session stays). */
export const REFRESH_TIMEOUT_MS = 20_000;

export type SessionEndReason = 'refresh_rejected' | 'no_refresh_token';
type SessionEndListener = (reason: SessionEndReason) => void;

const sessionEndListeners = new Set<SessionEndListener>();
let inflight: Promise<string> | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
/**
 * Server clock minus this device's clock, estimated from the `iat` of each freshly issued
 * token. `exp` is server time: a phone whose clock runs 10 minutes fast would otherwise see
 * every new 15-minute token as expiring at once and refresh in a loop.
 */
let clockSkewMs = 0;
/** Differences below this are network latency and `iat` rounding, not a wrong clock. */
const CLOCK_SKEW_THRESHOLD_MS = 5_000;

/** "Now" on the server's clock, as far as this device can tell. */
export function serverNow(): number {
  return Date.now() + clockSkewMs;
}

function estimateClockSkew(accessToken: string): void {
  const iat = decodeJwtPayload(accessToken)?.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return;
  const skew = iat * 1000 - Date.now();
  clockSkewMs = Math.abs(skew) > CLOCK_SKEW_THRESHOLD_MS ? skew : 0;
}

/**
 * Called when the session is over as far as the server is concerned (the refresh token was
 * rejected). Tokens are already cleared when listeners run. Returns an unsubscribe function.
 */
export function onSessionEnded(listener: SessionEndListener): () => void {
  sessionEndListeners.add(listener);
  return () => sessionEndListeners.delete(listener);
}

/** Stores a freshly issued pair and schedules its renewal. Use for every login/refresh. */
export function storeTokens(pair: TokenPair): void {
  estimateClockSkew(pair.access_token);
  tokenStore.setTokens(pair);
  scheduleProactiveRefresh(pair.access_token);
}

/** Local end of session: forget tokens and timers. Does not notify listeners. */
export function clearTokens(): void {
  cancelProactiveRefresh();
  clockSkewMs = 0;
  tokenStore.clear();
}

function endSession(reason: SessionEndReason): void {
  clearTokens();
  for (const listener of [...sessionEndListeners]) listener(reason);
}

function leewayFor(token: string): number {
  const payload = decodeJwtPayload(token);
  const exp = payload?.exp;
  const iat = payload?.iat;
  if (typeof exp === 'number' && typeof iat === 'number' && exp > iat) {
    return Math.min(REFRESH_LEEWAY_MS, ((exp - iat) * 1000) / 2);
  }
  return REFRESH_LEEWAY_MS;
}

/** True when the token is past `exp - leeway`. Tokens without a readable `exp` never are. */
export function isExpiringSoon(token: string, now: number = serverNow()): boolean {
  const expiry = getTokenExpiry(token);
  return expiry !== null && expiry - leewayFor(token) <= now;
}

function isExpired(token: string, now: number = serverNow()): boolean {
  const expiry = getTokenExpiry(token);
  return expiry !== null && expiry <= now;
}

export function scheduleProactiveRefresh(accessToken: string): void {
  cancelProactiveRefresh();
  const expiry = getTokenExpiry(accessToken);
  if (expiry === null) return;
  // Browsers clamp delays above 2^31-1 ms to 0; background tabs and phones throttle timers,
  // which is why requests also check expiry themselves (getValidAccessToken).
  const delay = Math.min(Math.max(expiry - leewayFor(accessToken) - serverNow(), 0), 2 ** 31 - 1);
  timer = setTimeout(() => {
    timer = null;
    // A failure here is either handled (session ended → listeners) or transient (the next
    // request tries again), so there is nothing to do with the rejection.
    refreshAccessToken().catch(() => undefined);
  }, delay);
}

export function cancelProactiveRefresh(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

async function withCrossTabLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
  // Web Locks: Chrome 69+, Safari 15.4+, Firefox 96+. Without them (old WebViews) we only
  // have the in-tab single flight; a Telegram Mini App is a single tab anyway.
  if (!locks || typeof locks.request !== 'function') return task();
  return locks.request(REFRESH_LOCK_NAME, { mode: 'exclusive' }, task);
}

function isRejection(error: ApiError): boolean {
  // 4xx means the server looked at the token and said no. 408/429/5xx/network are transient:
  // keep the session so a user on a flaky mobile link is not logged out by a hiccup.
  return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

async function performRefresh(): Promise<string> {
  // Read inside the lock: another tab may have rotated the token while we waited for it.
  const refreshToken = tokenStore.getRefreshToken();
  if (!refreshToken) {
    endSession('no_refresh_token');
    throw new ApiError({ code: 'not_authenticated', status: 401, message: 'Not logged in' });
  }
  const body: RefreshBody = { refresh_token: refreshToken };
  // Other tabs wait for this one under the lock: never let a stalled mobile connection hold it.
  const controller = new AbortController();
  const timeout = setTimeout(() => {
    controller.abort();
  }, REFRESH_TIMEOUT_MS);
  let response: Response;
  let pair: TokenPair;
  try {
    try {
      response = await fetch(buildUrl(REFRESH_PATH), {
        method: 'POST',
        headers: baseHeaders(null, true),
        body: JSON.stringify(body),
        credentials: 'same-origin',
        signal: controller.signal,
      });
    } catch (cause) {
      throw networkError(cause);
    }
    if (!response.ok) {
      const error = await apiErrorFromResponse(response);
      // Only end the session if nobody replaced the token meanwhile (a login in another tab).
      if (isRejection(error) && tokenStore.getRefreshToken() === refreshToken) {
        endSession('refresh_rejected');
      }
      throw error;
    }
    try {
      pair = (await response.json()) as TokenPair;
    } catch (cause) {
      throw new ApiError({
        code: 'unexpected_response',
        status: response.status,
        message: 'Malformed refresh response',
        cause,
      });
    }
  } finally {
    clearTimeout(timeout);
  }
  storeTokens(pair);
  return pair.access_token;
}

/**
 * Gets a new access token using the stored refresh token. Concurrent callers in this tab share
 * one request. Rejects with `ApiError`; when the server rejects the refresh token the session
 * is ended first (tokens cleared, `onSessionEnded` listeners called).
 */
export function refreshAccessToken(): Promise<string> {
  inflight ??= withCrossTabLock(performRefresh).finally(() => {
    inflight = null;
  });
  return inflight;
}

/**
 * The access token to send now: the stored one, or a refreshed one if it is missing or about
 * to expire and a refresh token exists. Null when there is no session at all.
 */
export async function getValidAccessToken(): Promise<string | null> {
  const token = tokenStore.getAccessToken();
  if (token && !isExpiringSoon(token)) return token;
  if (!tokenStore.getRefreshToken()) return token;
  try {
    return await refreshAccessToken();
  } catch (error) {
    // A transient failure while the old token is still valid: use it rather than fail.
    if (token && tokenStore.getAccessToken() === token && !isExpired(token)) return token;
    throw error;
  }
}

/**
 * After a 401 on a request sent with `usedToken`: the token to retry with. If another caller
 * already refreshed meanwhile, that token is reused instead of refreshing again.
 */
export async function getTokenAfterUnauthorized(usedToken: string | null): Promise<string | null> {
  const current = tokenStore.getAccessToken();
  if (current && current !== usedToken) return current;
  if (!tokenStore.getRefreshToken()) {
    if (usedToken) endSession('no_refresh_token');
    return null;
  }
  return refreshAccessToken();
}
