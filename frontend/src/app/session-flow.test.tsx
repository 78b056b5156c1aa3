import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { useSessionStore } from '@/features/auth/stores/session-store';
import { api } from '@/lib/api/client';
import { ACCESS_TOKEN_KEY, REFRESH_TOKEN_KEY, tokenStore } from '@/lib/api/token-store';
import { i18n } from '@/lib/i18n';
import {
  errorResponse,
  makeTokenPair,
  makeUser,
  meHandler,
  publicSettings,
  screenDataHandlers,
  settingsHandler,
} from '@/testing/fixtures';
import { currentUrl, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

// The pages these tests land on load their own data; answer it neutrally.
beforeEach(() => {
  server.use(...screenDataHandlers());
});

describe('session start-up', () => {
  it('restores a stored session and shows the protected page', async () => {
    tokenStore.setTokens(makeTokenPair());
    server.use(meHandler(makeUser({ login: 'alice_01' })));
    renderApp('/configs');
    expect(await screen.findByRole('heading', { name: 'My configs' })).toBeInTheDocument();
    expect(useSessionStore.getState().user?.login).toBe('alice_01');
  });

  it('a new tab (no access token) refreshes first, then loads /me', async () => {
    localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
    const fresh = makeTokenPair('2');
    server.use(
      http.post('*/api/auth/v1/refresh', () => HttpResponse.json(fresh)),
      meHandler(makeUser(), () => [fresh.access_token]),
    );
    renderApp('/news');
    expect(await screen.findByRole('heading', { name: 'News' })).toBeInTheDocument();
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBe(fresh.access_token);
  });

  it('without a session, protected pages redirect to /login?next=...', async () => {
    server.use(settingsHandler());
    const { router } = renderApp('/account');
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(currentUrl(router)).toBe('/login?next=%2Faccount');
  });

  it('applies the profile language after login', async () => {
    tokenStore.setTokens(makeTokenPair());
    server.use(meHandler(makeUser({ profile: { first_name: null, last_name: null, email: null, lang_code: 'ru' } })));
    renderApp('/configs');
    expect(await screen.findByRole('heading', { name: 'Мои конфиги' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('ru');
  });
});

describe('failed refresh', () => {
  it('at start-up: clean logout and redirect to /login?next=<wanted page>', async () => {
    tokenStore.setTokens(makeTokenPair());
    server.use(
      meHandler(makeUser(), () => []), // every access token is rejected
      http.post('*/api/auth/v1/refresh', () => errorResponse(401, 'not_authenticated', 'Session revoked')),
      settingsHandler(),
    );
    const { router } = renderApp('/account?tab=sessions');

    expect(await screen.findByText('Your session has ended. Please log in again.')).toBeInTheDocument();
    expect(currentUrl(router)).toBe('/login?next=%2Faccount%3Ftab%3Dsessions');
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
    expect(useSessionStore.getState()).toMatchObject({ status: 'anonymous', user: null, endReason: 'expired' });
  });

  it('mid-session: any 401 with a rejected refresh logs out, clears the query cache, redirects with next', async () => {
    const pair = makeTokenPair();
    tokenStore.setTokens(pair);
    let revoked = false;
    server.use(
      meHandler(makeUser(), () => (revoked ? [] : [pair.access_token])),
      http.get('*/api/backend/v1/news', () =>
        revoked
          ? errorResponse(401, 'not_authenticated', 'Session revoked')
          : HttpResponse.json({ items: [], page: 1, limit: 10, total: 0, pages: 0 }),
      ),
      http.post('*/api/auth/v1/refresh', () => errorResponse(401, 'not_authenticated', 'Refresh token revoked')),
      settingsHandler(),
    );
    const { router, queryClient } = renderApp('/news?page=2');
    expect(await screen.findByRole('heading', { name: 'News' })).toBeInTheDocument();
    queryClient.setQueryData(['configs'], [{ id: 'c1' }]);

    revoked = true;
    await act(async () => {
      await expect(api.get('/backend/v1/news')).rejects.toMatchObject({ code: 'not_authenticated' });
    });

    await waitFor(() => {
      expect(currentUrl(router)).toBe('/login?next=%2Fnews%3Fpage%3D2');
    });
    expect(queryClient.getQueryData(['configs'])).toBeUndefined();
    expect(tokenStore.hasSession()).toBe(false);
  });

  it('after logging in again, next brings the user back', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/login', () => HttpResponse.json(makeTokenPair('9'))),
      meHandler(makeUser()),
    );
    const { router } = renderApp('/login?next=%2Fnews%3Fpage%3D2');
    const user = userEvent.setup({ delay: null });
    await user.type(await screen.findByLabelText('Login'), 'alice_01');
    await user.type(screen.getByLabelText('Password'), 'secret-pass-1');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => {
      expect(currentUrl(router)).toBe('/news?page=2');
    });
  });
});

describe('logout', () => {
  it('revokes the session on the server, clears everything and goes to /login without next', async () => {
    const pair = makeTokenPair();
    tokenStore.setTokens(pair);
    const logoutCalls: (string | null)[] = [];
    server.use(
      meHandler(makeUser()),
      settingsHandler(),
      http.post('*/api/auth/v1/logout', ({ request }) => {
        logoutCalls.push(request.headers.get('Authorization'));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { router } = renderApp('/account');
    const user = userEvent.setup({ delay: null });
    const main = await screen.findByRole('main');
    await user.click(await within(main).findByRole('button', { name: 'Log out' }));

    await waitFor(() => {
      expect(currentUrl(router)).toBe('/login');
    });
    expect(logoutCalls).toEqual([`Bearer ${pair.access_token}`]);
    expect(tokenStore.hasSession()).toBe(false);
    expect(screen.queryByText('Your session has ended. Please log in again.')).not.toBeInTheDocument();
  });

  it('follows a logout in another tab (storage event)', async () => {
    tokenStore.setTokens(makeTokenPair());
    server.use(meHandler(makeUser()), settingsHandler());
    const { router } = renderApp('/configs');
    expect(await screen.findByRole('heading', { name: 'My configs' })).toBeInTheDocument();

    localStorage.removeItem(REFRESH_TOKEN_KEY);
    act(() => {
      window.dispatchEvent(new StorageEvent('storage', { key: REFRESH_TOKEN_KEY, oldValue: 'refresh-1', newValue: null }));
    });

    await waitFor(() => {
      expect(currentUrl(router)).toBe('/login');
    });
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
  });
});

describe('Telegram Mini App', () => {
  const initData = 'query_id=AAH&user=%7B%22id%22%3A42%2C%22language_code%22%3A%22ru%22%7D&auth_date=1700000000&hash=abc';

  it('logs in with initData on start and opens the configs', async () => {
    window.Telegram = { WebApp: { initData, ready: () => undefined } };
    const pair = makeTokenPair('tg');
    let body: unknown = null;
    server.use(
      http.post('*/api/auth/v1/login/social/telegram', async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(pair);
      }),
      meHandler(makeUser({ socials: [{ name: 'telegram', external_id: '42', username: 'ann', reachable: true }] }), () => [
        pair.access_token,
      ]),
    );
    const { router } = renderApp('/');
    expect(await screen.findByRole('heading', { name: 'My configs' })).toBeInTheDocument();
    expect(body).toEqual({ init_data: initData });
    expect(currentUrl(router)).toBe('/configs');
    expect(tokenStore.getRefreshToken()).toBe('refresh-tg');
  });

  it('when the Telegram login is refused, the login page says so', async () => {
    window.Telegram = { WebApp: { initData } };
    server.use(
      http.post('*/api/auth/v1/login/social/telegram', () =>
        errorResponse(403, 'registration_disabled', 'Registration is disabled'),
      ),
      settingsHandler(publicSettings({ telegram: { login_enabled: true, bot_username: 'rayport_bot' } })),
    );
    await i18n.changeLanguage('en');
    renderApp('/configs');
    expect(await screen.findByText(/Could not sign in with Telegram/)).toBeInTheDocument();
    // Inside Telegram the Login Widget placeholder is pointless.
    expect(screen.queryByTestId('telegram-login-placeholder')).not.toBeInTheDocument();
  });
});
