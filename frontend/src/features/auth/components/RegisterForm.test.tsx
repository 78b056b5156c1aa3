import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import {
  errorResponse,
  makeTokenPair,
  makeUser,
  meHandler,
  publicSettings,
  settingsHandler,
} from '@/testing/fixtures';
import { currentUrl, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

import { validateLogin, validateNewPassword } from '../validation';

interface Values {
  login?: string;
  password?: string;
  confirm?: string;
  email?: string;
}

async function fill({ login = '', password = '', confirm = password, email = '' }: Values) {
  const user = userEvent.setup({ delay: null });
  await screen.findByLabelText('Login');
  if (login) await user.type(screen.getByLabelText('Login'), login);
  if (password) await user.type(screen.getByLabelText('Password'), password);
  if (confirm) await user.type(screen.getByLabelText('Repeat password'), confirm);
  if (email) await user.type(screen.getByLabelText(/E-mail/), email);
  await user.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('login rule (6–20, starts with a letter, letters/digits/_)', () => {
  it.each([
    ['alice_01', true],
    ['Abcdef', true],
    ['a2345678901234567890', true],
    ['abcde', 'auth.validation.loginLength'],
    ['a23456789012345678901', 'auth.validation.loginLength'],
    ['1alice', 'auth.validation.loginStart'],
    ['_alice', 'auth.validation.loginStart'],
    ['alice-01', 'auth.validation.loginChars'],
    ['алиса_01', 'auth.validation.loginStart'],
    ['', 'auth.validation.required'],
  ])('%s → %s', (value, expected) => {
    expect(validateLogin(value)).toBe(expected);
  });
});

describe('password rule (8–128, no spaces at either end — as the server)', () => {
  it.each([
    ['secret12', true],
    ['pass phrase with spaces', true],
    ['a'.repeat(128), true],
    ['short1', 'auth.validation.passwordLength'],
    ['a'.repeat(129), 'auth.validation.passwordLength'],
    [' leading-space', 'auth.validation.passwordSpaces'],
    ['trailing-space ', 'auth.validation.passwordSpaces'],
    ['', 'auth.validation.required'],
  ])('%j → %s', (value, expected) => {
    expect(validateNewPassword(value)).toBe(expected);
  });
});

describe('register page', () => {
  it('shows client-side rule violations and sends nothing', async () => {
    let calls = 0;
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/register', () => {
        calls += 1;
        return HttpResponse.json(makeTokenPair(), { status: 201 });
      }),
    );
    renderApp('/register');
    await fill({ login: '1bad', password: 'short', confirm: 'other', email: 'not-an-email' });
    expect(await screen.findByText('Must start with a Latin letter.')).toBeInTheDocument();
    expect(screen.getByText('From 8 to 128 characters.')).toBeInTheDocument();
    expect(screen.getByText('Passwords do not match.')).toBeInTheDocument();
    expect(screen.getByText('Enter a valid e-mail address.')).toBeInTheDocument();
    expect(calls).toBe(0);
  });

  it('does not flag the confirmation before it is typed; a later password change re-checks it', async () => {
    server.use(settingsHandler());
    renderApp('/register');
    const user = userEvent.setup({ delay: null });
    await user.type(await screen.findByLabelText('Password'), 'secret-pass-1');
    // Leaving the password for the confirmation must not flag the (empty) confirmation: the
    // message would vanish on its blur and move the submit button from under the finger.
    await user.click(screen.getByLabelText('Repeat password'));
    expect(screen.queryByText('Required.')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Repeat password'), 'secret-pass-1');
    expect(screen.queryByText('Required.')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Password'), 'x');
    expect(await screen.findByText('Passwords do not match.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Password'), '{Backspace}');
    await waitFor(() => {
      expect(screen.queryByText('Passwords do not match.')).not.toBeInTheDocument();
    });
  });

  it('re-translates client-side errors when the language changes', async () => {
    server.use(settingsHandler());
    renderApp('/register');
    await fill({ login: 'ab' });
    expect(await screen.findByText('From 6 to 20 characters.')).toBeInTheDocument();
    await userEvent.setup({ delay: null }).click(screen.getByRole('radio', { name: 'Русский' }));
    expect(await screen.findByText('От 6 до 20 символов.')).toBeInTheDocument();
  });

  it('registers with lang_code and no empty e-mail, then opens the configs', async () => {
    const bodies: unknown[] = [];
    const pair = makeTokenPair('r');
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/register', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(pair, { status: 201 });
      }),
      meHandler(makeUser({ status: 'not_verified' }), () => [pair.access_token]),
    );
    const { router } = renderApp('/register');
    await fill({ login: 'new_user1', password: 'secret123' });
    await waitFor(() => {
      expect(currentUrl(router)).toBe('/configs');
    });
    expect(bodies).toEqual([{ login: 'new_user1', password: 'secret123', lang_code: 'en' }]);
    // A fresh account waits for verification; the configs screen says so.
    expect(await screen.findByText('Verify your account')).toBeInTheDocument();
  });

  it('maps the server validation messages onto the fields', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/register', () =>
        errorResponse(422, 'validation_error', 'The request is not valid', [
          { loc: ['body', 'login'], msg: 'Value error, this login is reserved', type: 'value_error' },
          { loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error' },
        ]),
      ),
    );
    renderApp('/register');
    await fill({ login: 'support', password: 'secret123', email: 'a@b.co' });
    expect(await screen.findByText('this login is reserved')).toBeInTheDocument();
    expect(screen.getByLabelText('Login')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/E-mail/)).toHaveAccessibleDescription(
      expect.stringContaining('value is not a valid email address') as string,
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a conflict (login taken) as a form message with the server text', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/register', () => errorResponse(409, 'conflict', 'This login is already taken')),
    );
    renderApp('/register');
    await fill({ login: 'alice_01', password: 'secret123' });
    expect(await screen.findByRole('alert')).toHaveTextContent('This login is already taken');
  });

  it('registration_disabled from the server replaces the form with a clear notice', async () => {
    server.use(
      settingsHandler(),
      http.post('*/api/auth/v1/register', () =>
        errorResponse(403, 'registration_disabled', 'Registration is disabled'),
      ),
    );
    renderApp('/register');
    await fill({ login: 'new_user1', password: 'secret123' });
    expect(await screen.findByText('Registration is closed')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create account' })).not.toBeInTheDocument();
  });

  it('says registration is closed up front when the settings say so', async () => {
    server.use(settingsHandler(publicSettings({ registration_enabled: false })));
    renderApp('/register');
    expect(await screen.findByText('Registration is closed')).toBeInTheDocument();
    expect(screen.queryByLabelText('Login')).not.toBeInTheDocument();
  });
});
