import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';

import { createQueryClient } from '@/lib/api/query-client';
import type { Me, Role } from '@/lib/api/types';
import { makeUser, roleUsers } from '@/testing/fixtures';

import { hasMinRole } from '../roles';
import { useSessionStore, type SessionState } from '../stores/session-store';
import { ProtectedRoute } from './ProtectedRoute';

function Where({ name }: { name: string }) {
  const location = useLocation();
  return <p data-testid="where">{`${name} ${location.pathname}${location.search}`}</p>;
}

function renderGuarded(url: string, session: Partial<SessionState>) {
  useSessionStore.setState(session);
  const router = createMemoryRouter(
    [
      { path: '/login', element: <Where name="login" /> },
      {
        element: <ProtectedRoute />,
        children: [
          { path: '/configs', element: <Where name="configs" /> },
          { path: '/account/password', element: <Where name="change-password" /> },
          {
            path: '/admin',
            element: <ProtectedRoute minRole="admin" />,
            children: [
              { index: true, element: <Where name="admin" /> },
              {
                path: 'settings',
                element: (
                  <ProtectedRoute minRole="superuser">
                    <Where name="admin-settings" />
                  </ProtectedRoute>
                ),
              },
            ],
          },
        ],
      },
    ],
    { initialEntries: [url] },
  );
  render(
    <QueryClientProvider client={createQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

const signedIn = (user: Me): Partial<SessionState> => ({ status: 'authenticated', user, endReason: null });

describe('ProtectedRoute', () => {
  it('shows a loader while the session is being checked', () => {
    renderGuarded('/configs', { status: 'unknown', user: null });
    expect(screen.getByRole('status')).toHaveTextContent('Checking your session…');
  });

  it('sends anonymous users to /login with next = the page they wanted', async () => {
    renderGuarded('/admin/settings?tab=limits', { status: 'anonymous', user: null, endReason: null });
    expect(await screen.findByTestId('where')).toHaveTextContent(
      'login /login?next=%2Fadmin%2Fsettings%3Ftab%3Dlimits',
    );
  });

  it('after an explicit logout goes to /login without next', async () => {
    renderGuarded('/configs', { status: 'anonymous', user: null, endReason: 'logout' });
    expect(await screen.findByTestId('where')).toHaveTextContent(/^login \/login$/);
  });

  it.each<[Role, string, string]>([
    ['user', '/configs', 'configs /configs'],
    ['user', '/admin', 'No access'],
    ['admin', '/admin', 'admin /admin'],
    ['superuser', '/admin', 'admin /admin'],
    ['admin', '/admin/settings', 'No access'],
    ['superuser', '/admin/settings', 'admin-settings /admin/settings'],
  ])('%s at %s → %s', async (role, url, expected) => {
    renderGuarded(url, signedIn(roleUsers[role]));
    if (expected === 'No access') {
      expect(await screen.findByRole('alert')).toHaveTextContent('No access');
      expect(screen.queryByTestId('where')).not.toBeInTheDocument();
    } else {
      expect(await screen.findByTestId('where')).toHaveTextContent(expected);
    }
  });

  it('forces the password change first (must_change_password), keeping next', async () => {
    renderGuarded('/admin', signedIn(makeUser({ role: 'admin', must_change_password: true })));
    expect(await screen.findByTestId('where')).toHaveTextContent('change-password /account/password?next=%2Fadmin');
  });

  it('lets a must_change_password user stay on the change-password screen', async () => {
    renderGuarded('/account/password', signedIn(makeUser({ must_change_password: true })));
    expect(await screen.findByTestId('where')).toHaveTextContent('change-password /account/password');
  });
});

describe('hasMinRole', () => {
  it('compares by weight: superuser 0 < admin 1 < user 2', () => {
    expect(hasMinRole('superuser', 'admin')).toBe(true);
    expect(hasMinRole('admin', 'admin')).toBe(true);
    expect(hasMinRole('user', 'admin')).toBe(false);
    expect(hasMinRole('admin', 'superuser')).toBe(false);
    expect(hasMinRole('user', 'user')).toBe(true);
    expect(hasMinRole('hacker', 'user')).toBe(false);
  });
});
