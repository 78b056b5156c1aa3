import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { tokenStore } from '@/lib/api/token-store';
import type { Me } from '@/lib/api/types';
import { errorResponse, makeTokenPair, makeUser } from '@/testing/fixtures';
import { currentUrl, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

/** `/me` reflects the server-side flag, which a successful change clears. */
function account(initial: Partial<Me>) {
  let user = makeUser(initial);
  const bodies: unknown[] = [];
  server.use(
    http.get('*/api/auth/v1/me', () => HttpResponse.json(user)),
    http.post('*/api/auth/v1/change-password', async ({ request }) => {
      const body = (await request.json()) as { current_password?: string; new_password: string };
      bodies.push(body);
      if (user.has_password && body.current_password !== 'old-secret') {
        return errorResponse(403, 'permission_denied', 'The current password is wrong', {
          field: 'current_password',
        });
      }
      user = { ...user, must_change_password: false, has_password: true };
      return new HttpResponse(null, { status: 204 });
    }),
  );
  tokenStore.setTokens(makeTokenPair());
  return bodies;
}

describe('change password', () => {
  it('must_change_password: redirected there, then on to the page the user wanted', async () => {
    const bodies = account({ must_change_password: true });
    const { router } = renderApp('/news');
    expect(await screen.findByText(/Your password was reset by an administrator/)).toBeInTheDocument();
    expect(currentUrl(router)).toBe('/account/password?next=%2Fnews');

    const user = userEvent.setup({ delay: null });
    await user.type(screen.getByLabelText('Current password'), 'old-secret');
    await user.type(screen.getByLabelText('New password'), 'new-secret-1');
    await user.type(screen.getByLabelText('Repeat new password'), 'new-secret-1');
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    await waitFor(() => {
      expect(currentUrl(router)).toBe('/news');
    });
    expect(bodies).toEqual([{ current_password: 'old-secret', new_password: 'new-secret-1' }]);
  });

  it('a wrong current password lands on that field (403 with details.field), session intact', async () => {
    account({});
    renderApp('/account/password');
    const user = userEvent.setup({ delay: null });
    await user.type(await screen.findByLabelText('Current password'), 'not-it');
    await user.type(screen.getByLabelText('New password'), 'new-secret-1');
    await user.type(screen.getByLabelText('Repeat new password'), 'new-secret-1');
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByText('The current password is wrong')).toBeInTheDocument();
    expect(screen.getByLabelText('Current password')).toHaveAttribute('aria-invalid', 'true');
    expect(tokenStore.hasSession()).toBe(true);
  });

  it('a Telegram-only account (has_password = false) sets a password without a current one', async () => {
    const bodies = account({ has_password: false });
    renderApp('/account/password');
    const user = userEvent.setup({ delay: null });
    await user.type(await screen.findByLabelText('New password'), 'first-secret');
    expect(screen.queryByLabelText('Current password')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Repeat new password'), 'first-secret');
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByText('Password changed.')).toBeInTheDocument();
    expect(bodies).toEqual([{ new_password: 'first-secret' }]);
  });
});
