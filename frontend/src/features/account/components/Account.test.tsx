import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { i18n } from '@/lib/i18n';
import { tokenStore } from '@/lib/api/token-store';
import type { Me } from '@/lib/api/types';
import {
  errorResponse,
  makeNotification,
  makeSession,
  makeTokenPair,
  makeUser,
  pageOf,
  publicSettings,
  readJson,
  settingsHandler,
} from '@/testing/fixtures';
import { currentUrl, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

/** A signed-in user whose `/me` follows profile and Telegram changes made through the API. */
function account(initial: Partial<Me> = {}, settings = publicSettings()) {
  let me = makeUser(initial);
  const calls: { method: string; path: string; body: unknown }[] = [];
  const record = async (request: Request) => {
    calls.push({ method: request.method, path: new URL(request.url).pathname, body: await readJson(request.clone()) });
  };
  let sessions = [makeSession({ id: 's-this', current: true, device: 'Chrome on Linux' }), makeSession({ id: 's-phone' }), makeSession({ id: 's-tablet', device: 'Safari on iPad' })];
  let notifications = [makeNotification({ id: 'n1' }), makeNotification({ id: 'n2', read_at: '2026-11-22T10:00:00Z', title: { en: 'Old news', ru: 'Старое' } })];
  tokenStore.setTokens(makeTokenPair());
  server.use(
    settingsHandler(settings),
    http.get('*/api/auth/v1/me', () => HttpResponse.json(me)),
    http.patch('*/api/auth/v1/account/profile', async ({ request }) => {
      await record(request);
      const patch = (await request.json()) as Partial<Me['profile']>;
      me = { ...me, profile: { ...me.profile, ...patch } };
      return HttpResponse.json(me.profile);
    }),
    http.get('*/api/auth/v1/sessions', () => HttpResponse.json(sessions)),
    http.delete('*/api/auth/v1/sessions/:id', async ({ request, params }) => {
      await record(request);
      sessions = sessions.filter((s) => s.id !== params.id);
      return new HttpResponse(null, { status: 204 });
    }),
    http.delete('*/api/auth/v1/sessions', async ({ request }) => {
      await record(request);
      sessions = sessions.filter((s) => s.current);
      return new HttpResponse(null, { status: 204 });
    }),
    http.get('*/api/auth/v1/account/notifications', () => HttpResponse.json(pageOf(notifications, 1, 10))),
    http.post('*/api/auth/v1/account/notifications/:id/read', async ({ request, params }) => {
      await record(request);
      notifications = notifications.map((n) => (n.id === params.id ? { ...n, read_at: new Date().toISOString() } : n));
      return new HttpResponse(null, { status: 204 });
    }),
    http.post('*/api/auth/v1/account/socials/telegram', async ({ request }) => {
      await record(request);
      const social = { name: 'telegram' as const, external_id: '424242', username: 'ivan_p', reachable: true };
      me = { ...me, socials: [social] };
      return HttpResponse.json(social);
    }),
    http.delete('*/api/auth/v1/account/socials/telegram', async ({ request }) => {
      await record(request);
      me = { ...me, socials: [] };
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return calls;
}

describe('account: profile', () => {
  it('saves the profile (empty text clears a field) and switches the UI language', async () => {
    const calls = account({ profile: { first_name: 'Alice', last_name: 'Old', email: null, lang_code: 'en' } });
    renderApp('/account');
    const user = userEvent.setup({ delay: null });
    const form = await screen.findByRole('region', { name: 'Profile' });
    await user.clear(within(form).getByLabelText('Last name'));
    await user.type(within(form).getByLabelText('E-mail'), 'not-an-email');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));
    expect(await within(form).findByText('Enter a valid e-mail address.')).toBeInTheDocument();

    await user.clear(within(form).getByLabelText('E-mail'));
    await user.type(within(form).getByLabelText('E-mail'), 'alice@example.org');
    await user.selectOptions(within(form).getByLabelText('Language'), 'ru');
    await user.click(within(form).getByRole('button', { name: 'Save profile' }));

    expect(await screen.findByText('Профиль сохранён.')).toBeInTheDocument();
    expect(i18n.language).toBe('ru');
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([
      { first_name: 'Alice', last_name: null, email: 'alice@example.org', lang_code: 'ru' },
    ]);
  });

  it('follows a language change made with the header switch (saving later cannot revert it)', async () => {
    const calls = account();
    renderApp('/account');
    const user = userEvent.setup({ delay: null });
    await user.type(await screen.findByLabelText('First name'), '!');
    await user.click(screen.getByRole('radio', { name: 'Русский' }));
    await waitFor(() => {
      expect(screen.getByRole('combobox', { name: 'Язык' })).toHaveValue('ru');
    });
    expect(screen.getByLabelText('Имя')).toHaveValue('Alice!'); // what was being typed stays
    const save = screen.getByRole('button', { name: 'Сохранить профиль' });
    await waitFor(() => {
      expect(save).toBeEnabled(); // the unsaved name keeps the form dirty
    });
    await user.click(save);
    expect(await screen.findByText('Профиль сохранён.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([
      { lang_code: 'ru' },
      { first_name: 'Alice!', last_name: null, email: 'alice@example.com', lang_code: 'ru' },
    ]);
  });

  it('shows a server field error on its input', async () => {
    account();
    server.use(
      http.patch('*/api/auth/v1/account/profile', () =>
        errorResponse(422, 'validation_error', 'Invalid', [{ loc: ['body', 'email'], msg: 'value is not a valid email address' }]),
      ),
    );
    renderApp('/account');
    const user = userEvent.setup({ delay: null });
    const email = await screen.findByLabelText('E-mail');
    await user.clear(email);
    await user.type(email, 'a@b.co');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText('value is not a valid email address')).toBeInTheDocument();
    expect(email).toHaveAttribute('aria-invalid', 'true');
  });
});

describe('account: sessions', () => {
  it('lists sessions, ends one, then all others after confirming', async () => {
    const calls = account();
    renderApp('/account');
    const user = userEvent.setup({ delay: null });
    const list = await screen.findByRole('list', { name: 'Password and sessions' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);
    expect(within(list).getByText('This device')).toBeInTheDocument();

    const phone = within(list).getByText('Chrome on Android').closest('li')!;
    await user.click(within(phone as HTMLElement).getByRole('button', { name: 'End session' }));
    await waitFor(() => {
      expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    });

    await user.click(screen.getByRole('button', { name: 'End all other sessions' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'End all other sessions?' });
    expect(confirm).toHaveTextContent('1 other device will be logged out.');
    await user.click(within(confirm).getByRole('button', { name: 'End all other sessions' }));
    expect(await screen.findByText('You are signed in on this device only.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([
      '/api/auth/v1/sessions/s-phone',
      '/api/auth/v1/sessions',
    ]);
  });
});

describe('account: notifications', () => {
  it('shows notifications in the UI language and marks one read', async () => {
    const calls = account();
    renderApp('/account');
    const user = userEvent.setup({ delay: null });
    const list = await screen.findByRole('list', { name: 'Notifications' });
    const unread = within(list).getByText('Account verified').closest('li')!;
    expect(unread).toHaveAttribute('data-unread', 'true');
    expect(within(list).getAllByRole('button', { name: 'Mark as read' })).toHaveLength(1);
    await user.click(within(unread as HTMLElement).getByRole('button', { name: 'Mark as read' }));
    await waitFor(() => {
      expect(within(list).queryByRole('button', { name: 'Mark as read' })).not.toBeInTheDocument();
    });
    expect(calls.map((c) => c.path)).toContain('/api/auth/v1/account/notifications/n1/read');
  });
});

describe('account: Telegram', () => {
  const botSettings = publicSettings({ telegram: { login_enabled: true, bot_username: 'rayport_bot' } });

  it('back from the Login Widget: links the signed fields (numbers as numbers) and cleans the URL', async () => {
    const calls = account({}, botSettings);
    const { router } = renderApp('/account?id=424242&first_name=Ivan&username=ivan_p&auth_date=1764000000&hash=abc123');
    expect(await screen.findByText('Telegram linked.')).toBeInTheDocument();
    expect(await screen.findByTestId('telegram-account')).toHaveTextContent('@ivan_p');
    expect(calls.find((c) => c.path.endsWith('/socials/telegram'))?.body).toEqual({
      id: 424242,
      first_name: 'Ivan',
      username: 'ivan_p',
      auth_date: 1764000000,
      hash: 'abc123',
    });
    expect(currentUrl(router)).toBe('/account');
  });

  it('not linked, with a bot: mounts the Login Widget pointing back to /account', async () => {
    account({}, botSettings);
    renderApp('/account');
    const widget = await screen.findByTestId('telegram-login-widget');
    await waitFor(() => {
      expect(widget.querySelector('script')).toHaveAttribute('data-auth-url', `${window.location.origin}/account`);
    });
  });

  it('unlinking is disabled without a password, and an unreachable bot is flagged', async () => {
    const social = { name: 'telegram' as const, external_id: '424242', username: 'ivan_p', reachable: false };
    account({ socials: [social], has_password: false }, botSettings);
    renderApp('/account');
    expect(await screen.findByRole('button', { name: 'Unlink' })).toBeDisabled();
    expect(screen.getByText('unreachable')).toBeInTheDocument();
    expect(screen.getByText(/Set a password first/)).toBeInTheDocument();
  });

  it('unlinks after confirming', async () => {
    const social = { name: 'telegram' as const, external_id: '424242', username: 'ivan_p', reachable: true };
    const calls = account({ socials: [social] }, botSettings);
    renderApp('/account');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Unlink' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Unlink' }));
    expect(await screen.findByText(/Link your Telegram account/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'DELETE' && c.path.endsWith('/socials/telegram'))).toBe(true);
  });
});
