import { delay, http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createFakeLockManager, installFakeLocks } from '@/testing/fake-locks';
import { errorResponse, makeTokenPair } from '@/testing/fixtures';
import { makeJwt } from '@/testing/jwt';
import { server } from '@/testing/server';

import { api } from './client';
import { onSessionEnded, REFRESH_LOCK_NAME, storeTokens } from './refresh';
import { ACCESS_TOKEN_KEY, REFRESH_TOKEN_KEY, tokenStore } from './token-store';

interface RefreshCall {
  body: unknown;
  contentType: string | null;
  authorization: string | null;
}

/** `POST /api/auth/v1/refresh` that answers `pairs` in order (one per call) after `wait` ms. */
function refreshEndpoint(pairs: ReturnType<typeof makeTokenPair>[], wait = 0) {
  const calls: RefreshCall[] = [];
  server.use(
    http.post('*/api/auth/v1/refresh', async ({ request }) => {
      calls.push({
        body: await request.json(),
        contentType: request.headers.get('Content-Type'),
        authorization: request.headers.get('Authorization'),
      });
      if (wait) await delay(wait);
      const pair = pairs[calls.length - 1];
      return pair ? HttpResponse.json(pair) : errorResponse(401, 'not_authenticated', 'Refresh token already used');
    }),
  );
  return calls;
}

/** `GET /api/things/:n`: 200 only for `validToken()`, 401 envelope otherwise. Records every call. */
function thingsEndpoint(validToken: () => string, slowFor?: (n: string) => number) {
  const calls: { n: string; authorization: string | null }[] = [];
  server.use(
    http.get('*/api/things/:n', async ({ request, params }) => {
      const n = String(params.n);
      const authorization = request.headers.get('Authorization');
      calls.push({ n, authorization });
      const wait = slowFor?.(n) ?? 0;
      if (wait) await delay(wait);
      if (authorization !== `Bearer ${validToken()}`) {
        return errorResponse(401, 'not_authenticated', 'Token expired');
      }
      return HttpResponse.json({ n });
    }),
  );
  return calls;
}

describe('401 → refresh → retry', () => {
  it('ten parallel 401s cause exactly one POST /refresh; all ten are retried with the new token', async () => {
    const stale = makeJwt();
    tokenStore.setTokens({ access_token: stale, refresh_token: 'refresh-1' });
    const fresh = makeTokenPair('2');
    // The refresh answer is slow, so all ten 401s are in before it completes.
    const refreshCalls = refreshEndpoint([fresh], 50);
    const calls = thingsEndpoint(() => fresh.access_token);

    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => api.get(`/things/${i}`)));

    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => ({ n: String(i) })));
    expect(refreshCalls).toEqual([
      { body: { refresh_token: 'refresh-1' }, contentType: 'application/json', authorization: null },
    ]);
    expect(calls).toHaveLength(20);
    const firstTries = calls.filter((c) => c.authorization === `Bearer ${stale}`).map((c) => c.n);
    const retries = calls.filter((c) => c.authorization === `Bearer ${fresh.access_token}`).map((c) => c.n);
    expect(firstTries.sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(retries.sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // The rotated pair is stored where it belongs.
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-2');
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBe(fresh.access_token);
  });

  it('a 401 that lands after the refresh finished reuses the new token instead of refreshing again', async () => {
    const stale = makeJwt();
    tokenStore.setTokens({ access_token: stale, refresh_token: 'refresh-1' });
    const fresh = makeTokenPair('2');
    const refreshCalls = refreshEndpoint([fresh]);
    // Request "slow" is answered 401 long after request "fast" has triggered and finished the refresh.
    const calls = thingsEndpoint(
      () => fresh.access_token,
      (n) => (n === 'slow' ? 80 : 0),
    );

    const [slow, fast] = await Promise.all([api.get('/things/slow'), api.get('/things/fast')]);

    expect(slow).toEqual({ n: 'slow' });
    expect(fast).toEqual({ n: 'fast' });
    expect(refreshCalls).toHaveLength(1);
    expect(calls.filter((c) => c.n === 'slow').map((c) => c.authorization)).toEqual([
      `Bearer ${stale}`,
      `Bearer ${fresh.access_token}`,
    ]);
  });

  it('retries only once: a second 401 is returned to the caller', async () => {
    tokenStore.setTokens({ access_token: makeJwt(), refresh_token: 'refresh-1' });
    const refreshCalls = refreshEndpoint([makeTokenPair('2')]);
    thingsEndpoint(() => 'never-valid');

    const error = await api.get('/things/1').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'not_authenticated', status: 401 });
    expect(refreshCalls).toHaveLength(1);
  });
});

describe('refresh before expiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refreshes first when the access token expires within the leeway (no 401 round trip)', async () => {
    // Lifetime 900 s → leeway 60 s; this one has 30 s left.
    const expiring = makeJwt({ expiresInSec: 30, issuedSecAgo: 870 });
    const longLived = makeJwt({ expiresInSec: 900 });
    tokenStore.setTokens({ access_token: expiring, refresh_token: 'refresh-1' });
    const fresh = { ...makeTokenPair('2'), access_token: longLived };
    const refreshCalls = refreshEndpoint([fresh]);
    const calls = thingsEndpoint(() => longLived);

    await expect(api.get('/things/1')).resolves.toEqual({ n: '1' });

    expect(refreshCalls).toHaveLength(1);
    expect(calls.map((c) => c.authorization)).toEqual([`Bearer ${longLived}`]);
  });

  it('schedules a refresh about 60 s before exp', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const refreshCalls = refreshEndpoint([makeTokenPair('2')]);
    storeTokens({ ...makeTokenPair('1'), access_token: makeJwt({ expiresInSec: 900 }) });

    await vi.advanceTimersByTimeAsync(839_000); // 900 - 60 - 1 s
    expect(refreshCalls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    vi.useRealTimers();
    await vi.waitFor(() => {
      expect(refreshCalls).toHaveLength(1);
    });
    await vi.waitFor(() => {
      expect(tokenStore.getRefreshToken()).toBe('refresh-2');
    });
  });

  it('keeps using a still-valid token when a proactive refresh fails on the network', async () => {
    const expiring = makeJwt({ expiresInSec: 30, issuedSecAgo: 870 });
    tokenStore.setTokens({ access_token: expiring, refresh_token: 'refresh-1' });
    let refreshes = 0;
    server.use(
      http.post('*/api/auth/v1/refresh', () => {
        refreshes += 1;
        return HttpResponse.error();
      }),
    );
    thingsEndpoint(() => expiring);

    await expect(api.get('/things/1')).resolves.toEqual({ n: '1' });
    expect(refreshes).toBe(1);
    expect(tokenStore.getRefreshToken()).toBe('refresh-1');
  });

  it('does not refresh-loop on short-lived tokens (leeway is capped at half the lifetime)', async () => {
    const shortLived = makeJwt({ expiresInSec: 30 }); // lifetime 30 s → leeway 15 s
    tokenStore.setTokens({ access_token: shortLived, refresh_token: 'refresh-1' });
    const refreshCalls = refreshEndpoint([]);
    thingsEndpoint(() => shortLived);

    await expect(api.get('/things/1')).resolves.toEqual({ n: '1' });
    expect(refreshCalls).toHaveLength(0);
  });
});

describe('clock skew', () => {
  it('a device clock 10 minutes fast does not refresh in a loop: expiry is judged on the server clock', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000); // the phone is 10 minutes ahead of the server
    // Issued by the server (10 minutes behind): iat = its now, exp = its now + 15 min.
    const issued = () => makeJwt({ expiresInSec: 300, issuedSecAgo: 600 });
    const calls = refreshEndpoint([
      { ...makeTokenPair('2'), access_token: issued() },
      { ...makeTokenPair('3'), access_token: issued() },
    ]);
    // The stored token looks nearly expired on this clock, so the first call refreshes once…
    const stale = makeJwt({ expiresInSec: 60, issuedSecAgo: 1440 });
    tokenStore.setTokens({ access_token: stale, refresh_token: 'refresh-1' });
    let current = '';
    server.use(
      http.get('*/api/things/:n', ({ request }) => {
        current = request.headers.get('Authorization') ?? '';
        return HttpResponse.json({ ok: true });
      }),
    );
    await api.get('/things/1');
    expect(calls).toHaveLength(1);
    // …and the new token (5 min left on this clock, 15 on the server's) is then used as is.
    await api.get('/things/2');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
    expect(current).toBe(`Bearer ${tokenStore.getAccessToken() ?? ''}`);
    // The proactive refresh still comes 60 s before the server-side expiry.
    await vi.advanceTimersByTimeAsync(13 * 60_000);
    expect(calls).toHaveLength(2);
    vi.useRealTimers();
  });
});

describe('failed refresh', () => {
  it('a rejected refresh ends the session: tokens cleared, listeners told, caller gets the 401', async () => {
    tokenStore.setTokens({ access_token: makeJwt(), refresh_token: 'refresh-1' });
    refreshEndpoint([]); // answers 401
    thingsEndpoint(() => 'never-valid');
    const ended = vi.fn();
    const unsubscribe = onSessionEnded(ended);

    const results = await Promise.allSettled([api.get('/things/1'), api.get('/things/2'), api.get('/things/3')]);
    unsubscribe();

    for (const result of results) {
      expect(result).toMatchObject({ status: 'rejected', reason: { code: 'not_authenticated', status: 401 } });
    }
    expect(ended).toHaveBeenCalledTimes(1);
    expect(ended).toHaveBeenCalledWith('refresh_rejected');
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
  });

  it.each([
    ['network failure', () => HttpResponse.error(), 'network_error'],
    ['5xx', () => errorResponse(503, 'internal_error', 'down'), 'not_authenticated'],
    ['429', () => errorResponse(429, 'rate_limited', 'slow down', null, { 'Retry-After': '5' }), 'not_authenticated'],
  ])('a transient refresh failure (%s) keeps the session', async (_label, answer, expectedCode) => {
    tokenStore.setTokens({ access_token: makeJwt(), refresh_token: 'refresh-1' });
    server.use(http.post('*/api/auth/v1/refresh', answer));
    thingsEndpoint(() => 'never-valid');
    const ended = vi.fn();
    const unsubscribe = onSessionEnded(ended);

    const error = await api.get('/things/1').catch((e: unknown) => e);
    unsubscribe();

    expect(error).toMatchObject({ code: expectedCode });
    expect(ended).not.toHaveBeenCalled();
    expect(tokenStore.getRefreshToken()).toBe('refresh-1');
  });
});

describe('cross-tab lock', () => {
  it('refreshes under the Web Lock and reads the refresh token inside it', async () => {
    const locks = createFakeLockManager();
    const uninstall = installFakeLocks(locks);
    try {
      const stale = makeJwt();
      tokenStore.setTokens({ access_token: stale, refresh_token: 'refresh-1' });
      const fresh = makeTokenPair('3');
      const refreshCalls = refreshEndpoint([fresh]);
      thingsEndpoint(() => fresh.access_token);

      // "Another tab" holds the lock and rotates refresh-1 → refresh-2 while we wait for it.
      let releaseOtherTab!: () => void;
      const otherTabDone = locks.request(REFRESH_LOCK_NAME, { mode: 'exclusive' }, async () => {
        await new Promise<void>((resolve) => {
          releaseOtherTab = resolve;
        });
        localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-2');
      });

      const pending = api.get('/things/1');
      await vi.waitFor(() => {
        expect(locks.requested).toEqual([REFRESH_LOCK_NAME, REFRESH_LOCK_NAME]);
      });
      expect(refreshCalls).toHaveLength(0); // still waiting for the other tab
      releaseOtherTab();
      await otherTabDone;

      await expect(pending).resolves.toEqual({ n: '1' });
      // The already-used refresh-1 was never sent: that would have revoked the session.
      expect(refreshCalls.map((c) => c.body)).toEqual([{ refresh_token: 'refresh-2' }]);
      expect(tokenStore.getRefreshToken()).toBe('refresh-3');
    } finally {
      uninstall();
    }
  });
});
