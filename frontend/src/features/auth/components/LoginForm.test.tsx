import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

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

async function fillAndSubmit(login: string, password: string) {
  const user = userEvent.setup({ delay: null });
  await screen.findByLabelText('Login');
  if (login) await user.type(screen.getByLabelText('Login'), login);
  if (password) await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Log in' }));
  return user;
}

describe('login page', () => {
  it('requires both fields and sends nothing until they are filled', async () => {
    let calls = 0;
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/login', () => {
        calls += 1;
        return HttpResponse.json(makeTokenPair());
      }),
    );
    renderApp('/login');
    await fillAndSubmit('', '');
    expect(await screen.findAllByText('Required.')).toHaveLength(2);
    expect(screen.getByLabelText('Login')).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toBe(0);
  });

  it('posts {login, password}, loads /me and goes to next', async () => {
    const bodies: unknown[] = [];
    const pair = makeTokenPair('l');
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/login', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(pair);
      }),
      meHandler(makeUser(), () => [pair.access_token]),
    );
    const { router } = renderApp('/login?next=%2Fnews');
    await fillAndSubmit('alice_01 ', 'correct horse 1');
    await waitFor(() => {
      expect(currentUrl(router)).toBe('/news');
    });
    expect(bodies).toEqual([{ login: 'alice_01', password: 'correct horse 1' }]);
  });

  it('a hostile next is ignored (open-redirect guard)', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/login', () => HttpResponse.json(makeTokenPair())),
      meHandler(makeUser()),
    );
    const { router } = renderApp('/login?next=%2F%2Fevil.example');
    await fillAndSubmit('alice_01', 'pw');
    await waitFor(() => {
      expect(currentUrl(router)).toBe('/configs');
    });
  });

  it('shows "wrong login or password" for a 401', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/login', () => errorResponse(401, 'not_authenticated', 'Invalid credentials')),
    );
    renderApp('/login');
    await fillAndSubmit('alice_01', 'nope');
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong login or password.');
  });

  it('puts validation_error messages on their fields', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/login', () =>
        errorResponse(422, 'validation_error', 'The request is not valid', [
          { loc: ['body', 'password'], msg: 'String should have at most 128 characters', type: 'string_too_long' },
        ]),
      ),
    );
    renderApp('/login');
    await fillAndSubmit('alice_01', 'x');
    expect(await screen.findByText('String should have at most 128 characters')).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('String should have at most 128 characters');
  });

  it('explains rate limiting with the Retry-After time', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/login', () =>
        errorResponse(429, 'rate_limited', 'Too many requests', null, { 'Retry-After': '30' }),
      ),
    );
    renderApp('/login');
    await fillAndSubmit('alice_01', 'x');
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 30 seconds.');
  });

  it('shows the server message where it is the specific part (deactivated account)', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/login', () => errorResponse(403, 'permission_denied', 'This account is deactivated')),
    );
    renderApp('/login');
    await fillAndSubmit('alice_01', 'x');
    expect(await screen.findByRole('alert')).toHaveTextContent('This account is deactivated');
  });

  it('shows the server message for codes the UI has no text for', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/login', () => errorResponse(400, 'bad_request', 'Malformed body')),
    );
    renderApp('/login');
    await fillAndSubmit('alice_01', 'x');
    expect(await screen.findByRole('alert')).toHaveTextContent('Malformed body');
  });

  it('shows the Telegram login area when the settings say Telegram login is enabled', async () => {
    server.use(settingsHandler(publicSettings({ telegram: { login_enabled: true, bot_username: 'rayport_bot' } })));
    renderApp('/login');
    expect(await screen.findByRole('heading', { name: 'Log in with Telegram' })).toBeInTheDocument();
    // Telegram's Login Widget, in redirect mode (the CSP forbids its eval'd callback mode).
    const script = screen.getByTestId('telegram-login-widget').querySelector('script');
    expect(script).toHaveAttribute('src', 'https://telegram.org/js/telegram-widget.js?22');
    expect(script).toHaveAttribute('data-telegram-login', 'rayport_bot');
    expect(script).toHaveAttribute('data-auth-url', `${window.location.origin}/login`);
    expect(screen.getByText(/our bot @rayport_bot/)).toBeInTheDocument();
  });

  it('…also when the bot username is not known yet', async () => {
    server.use(settingsHandler(publicSettings({ telegram: { login_enabled: true, bot_username: null } })));
    renderApp('/login');
    expect(await screen.findByTestId('telegram-login-placeholder')).toHaveTextContent(
      'Telegram login is available inside our bot.',
    );
    expect(screen.queryByTestId('telegram-login-widget')).not.toBeInTheDocument();
  });

  it.each([
    ['login disabled', settingsHandler(publicSettings({ telegram: { login_enabled: false, bot_username: 'b' } }))],
    ['telegram field missing', settingsHandler({ registration_enabled: true })],
    ['empty settings', settingsHandler({})],
    ['settings unavailable', http.get('*/api/app/v1/settings', () => errorResponse(500, 'internal_error', 'boom'))],
  ])('hides the Telegram login area (%s)', async (_label, handler) => {
    let settingsRequested = false;
    server.use(handler);
    server.events.on('request:start', ({ request }) => {
      if (request.url.includes('/app/v1/settings')) settingsRequested = true;
    });
    renderApp('/login');
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    await waitFor(() => {
      expect(settingsRequested).toBe(true);
    });
    expect(screen.queryByRole('heading', { name: 'Log in with Telegram' })).not.toBeInTheDocument();
    server.events.removeAllListeners();
  });
});

describe('Telegram Login Widget (redirect mode)', () => {
  it('back on /login with signed fields: logs in with them and goes where the user wanted', async () => {
    const bodies: unknown[] = [];
    server.use(
      settingsHandler(publicSettings({ telegram: { login_enabled: true, bot_username: 'rayport_bot' } })),
      http.post('*/api/auth/v1/login/social/telegram', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(makeTokenPair('tg'));
      }),
      meHandler(makeUser()),
    );
    // The widget's redirect drops our query: `next` was kept for the trip.
    sessionStorage.setItem('rayport.tg_widget_next', '/news');
    const { router } = renderApp('/login?id=424242&first_name=Ivan&last_name=Petrov&auth_date=1764000000&hash=f00d');
    await waitFor(() => {
      expect(currentUrl(router)).toBe('/news');
    });
    expect(bodies).toEqual([{ id: 424242, first_name: 'Ivan', last_name: 'Petrov', auth_date: 1764000000, hash: 'f00d' }]);
  });

  it('a rejected widget login is explained on the login page', async () => {
    server.use(
      settingsHandler(publicSettings({ telegram: { login_enabled: true, bot_username: 'rayport_bot' } })),
      http.post('*/api/auth/v1/login/social/telegram', () => errorResponse(401, 'not_authenticated', 'Telegram data is too old')),
    );
    const { router } = renderApp('/login?id=1&first_name=I&auth_date=1&hash=bad');
    expect(await screen.findByText('Could not sign in with Telegram')).toBeInTheDocument();
    expect(currentUrl(router)).toBe('/login');
  });
});
