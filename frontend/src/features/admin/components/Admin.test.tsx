import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { tokenStore } from '@/lib/api/token-store';
import type { AdminConfigRead, AdminUserDetail, Me, RequestRead } from '@/lib/api/types';
import {
  errorResponse,
  makeAdminConfig,
  makeRequest,
  makeSession,
  makeTokenPair,
  makeUser,
  meHandler,
  pageOf,
  readJson,
  roleUsers,
  settingsHandler,
} from '@/testing/fixtures';
import { currentUrl, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

function signedInAs(me: Me) {
  tokenStore.setTokens(makeTokenPair());
  server.use(meHandler(me), settingsHandler());
}

interface Call {
  method: string;
  path: string;
  search: string;
  body: unknown;
}

async function record(calls: Call[], request: Request) {
  const url = new URL(request.url);
  calls.push({ method: request.method, path: url.pathname, search: url.search, body: await readJson(request.clone()) });
}

describe('admin: request queue', () => {
  function queue(initial: RequestRead[]) {
    let requests = initial;
    const calls: Call[] = [];
    server.use(
      http.get('*/api/admin/v1/requests', async ({ request }) => {
        await record(calls, request);
        const status = new URL(request.url).searchParams.get('status');
        return HttpResponse.json(pageOf(requests.filter((r) => !status || r.status === status)));
      }),
      http.post('*/api/admin/v1/requests/:id/:decision', async ({ request, params }) => {
        await record(calls, request);
        const found = requests.find((r) => r.id === params.id)!;
        const body = (await readJson(request)) as { comment?: string } | null;
        const decided: RequestRead = {
          ...found,
          status: params.decision === 'apply' ? 'applied' : 'denied',
          comment: body?.comment ?? null,
          decided_by_login: 'root_admin',
          decided_at: new Date().toISOString(),
        };
        requests = requests.map((r) => (r.id === found.id ? decided : r));
        return HttpResponse.json({
          ...decided,
          temporary_password: found.kind === 'reset_password' && params.decision === 'apply' ? 'Tmp-Pass-42' : null,
        });
      }),
    );
    return calls;
  }

  it('shows new requests; applies one with a comment and denies another without, in one click each', async () => {
    signedInAs(roleUsers.admin);
    const calls = queue([
      makeRequest({ id: 'r-verify', kind: 'verify' }),
      makeRequest({
        id: 'r-limits',
        kind: 'update_config',
        target_type: 'config',
        target_id: 'c1',
        payload: { total_gb: 100, limit_ip: 3 },
        user_login: 'bob_22',
      }),
    ]);
    renderApp('/admin/requests');
    const user = userEvent.setup({ delay: null });
    const cards = await screen.findAllByTestId('request-card');
    expect(cards).toHaveLength(2);
    const limits = cards[1]!;
    expect(within(limits).getByText('Traffic: 100 GB · Devices: 3')).toBeInTheDocument();

    await user.type(within(cards[0]!).getByLabelText('Comment for the user'), 'Welcome!');
    await user.click(within(cards[0]!).getByRole('button', { name: 'Apply' }));
    await user.click(within(limits).getByRole('button', { name: 'Deny' }));

    expect(await screen.findByText('No new requests. All done!')).toBeInTheDocument();
    const decisions = calls.filter((c) => c.method === 'POST');
    expect(decisions.map((c) => [c.path, c.body])).toEqual([
      ['/api/admin/v1/requests/r-verify/apply', { comment: 'Welcome!' }],
      ['/api/admin/v1/requests/r-limits/deny', null],
    ]);
    expect(calls[0]?.search).toContain('status=new');
  });

  it('shows the temporary password of an applied password reset once', async () => {
    signedInAs(roleUsers.admin);
    queue([makeRequest({ id: 'r-reset', kind: 'reset_password' })]);
    renderApp('/admin/requests');
    const user = userEvent.setup({ delay: null });
    await user.click(within(await screen.findByTestId('request-card')).getByRole('button', { name: 'Apply' }));
    const dialog = await screen.findByRole('dialog', { name: 'Temporary password for alice_01' });
    expect(within(dialog).getByTestId('temporary-password')).toHaveTextContent('Tmp-Pass-42');
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => {
      expect(screen.queryByText('Tmp-Pass-42')).not.toBeInTheDocument();
    });
  });

  it('a request someone else decided (409) says so', async () => {
    signedInAs(roleUsers.admin);
    queue([makeRequest()]);
    server.use(
      http.post('*/api/admin/v1/requests/:id/apply', () => errorResponse(409, 'conflict', 'This request has already been decided')),
    );
    renderApp('/admin/requests');
    const user = userEvent.setup({ delay: null });
    await user.click(within(await screen.findByTestId('request-card')).getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('This request has already been decided')).toBeInTheDocument();
  });

  it('filters live in the URL', async () => {
    signedInAs(roleUsers.admin);
    const calls = queue([makeRequest({ status: 'applied' })]);
    const { router } = renderApp('/admin/requests');
    const user = userEvent.setup({ delay: null });
    await screen.findByText('No new requests. All done!');
    await user.selectOptions(screen.getByLabelText('Status'), 'all');
    await user.selectOptions(screen.getByLabelText('Kind'), 'verify');
    expect(await screen.findByTestId('request-card')).toHaveTextContent('Decided by');
    expect(currentUrl(router)).toBe('/admin/requests?status=all&kind=verify');
    expect(calls.at(-1)?.search).toBe('?page=1&limit=20&kind=verify');
  });
});

describe('admin: users', () => {
  function detail(overrides: Partial<AdminUserDetail> = {}): AdminUserDetail {
    return {
      ...makeUser({ id: 'u-1', login: 'carol_33', status: 'verification_pending' }),
      sessions: [makeSession({ id: 's-1' })],
      open_requests: [makeRequest({ user_id: 'u-1', user_login: 'carol_33' })],
      configs: [],
      ...overrides,
    };
  }

  it('searches (debounced, in the URL) and opens a user', async () => {
    signedInAs(roleUsers.admin);
    const searches: string[] = [];
    server.use(
      http.get('*/api/admin/v1/users', ({ request }) => {
        searches.push(new URL(request.url).searchParams.get('q') ?? '');
        return HttpResponse.json(pageOf([makeUser({ id: 'u-1', login: 'carol_33' })]));
      }),
      http.get('*/api/admin/v1/users/:id', () => HttpResponse.json(detail())),
    );
    const { router } = renderApp('/admin/users');
    const user = userEvent.setup({ delay: null });
    await screen.findByRole('link', { name: 'carol_33' });
    await user.type(screen.getByLabelText('Search'), 'car');
    await waitFor(
      () => {
        expect(currentUrl(router)).toBe('/admin/users?q=car');
      },
      { timeout: 3000 },
    );
    await waitFor(() => {
      expect(searches.at(-1)).toBe('car');
    });
    expect(searches[0]).toBe('');
    await user.click(screen.getByRole('link', { name: 'carol_33' }));
    expect(await screen.findByRole('heading', { name: 'carol_33' })).toBeInTheDocument();
    expect(currentUrl(router)).toBe('/admin/users/u-1');
  });

  it('verifies, deactivates after confirming, and revokes a session', async () => {
    signedInAs(roleUsers.admin);
    let state = detail();
    const calls: Call[] = [];
    server.use(
      http.get('*/api/admin/v1/users/:id', () => HttpResponse.json(state)),
      http.post('*/api/admin/v1/users/:id/:action', async ({ request, params }) => {
        await record(calls, request);
        if (params.action === 'verify') state = { ...state, status: 'verified', open_requests: [] };
        if (params.action === 'deactivate') state = { ...state, is_active: false, sessions: [] };
        return HttpResponse.json(state);
      }),
      http.delete('*/api/admin/v1/sessions/:id', async ({ request }) => {
        await record(calls, request);
        state = { ...state, sessions: [] };
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderApp('/admin/users/u-1');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('No active sessions.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('button', { name: 'Take verification back' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Deactivate' }));
    await user.click(within(await screen.findByRole('alertdialog', { name: 'Deactivate carol_33?' })).getByRole('button', { name: 'Deactivate' }));
    expect(await screen.findByRole('button', { name: 'Reactivate' })).toBeInTheDocument();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'DELETE /api/admin/v1/sessions/s-1',
      'POST /api/admin/v1/users/u-1/verify',
      'POST /api/admin/v1/users/u-1/deactivate',
    ]);
    // Role and password reset are for superusers only.
    expect(screen.queryByLabelText('Role')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reset password' })).not.toBeInTheDocument();
  });

  it('a superuser changes the role and resets the password (the temporary one is shown once)', async () => {
    signedInAs(roleUsers.superuser);
    let state = detail({ status: 'verified', open_requests: [] });
    const calls: Call[] = [];
    server.use(
      http.get('*/api/admin/v1/users/:id', () => HttpResponse.json(state)),
      http.patch('*/api/admin/v1/users/:id/role', async ({ request }) => {
        await record(calls, request);
        state = { ...state, role: 'admin' };
        return HttpResponse.json(state);
      }),
      http.post('*/api/admin/v1/users/:id/password-reset', async ({ request }) => {
        await record(calls, request);
        return HttpResponse.json({ user_id: 'u-1', temporary_password: 'Tmp-9x', delivered_via: [] });
      }),
    );
    renderApp('/admin/users/u-1');
    const user = userEvent.setup({ delay: null });
    await user.selectOptions(await screen.findByLabelText('Role'), 'admin');
    await waitFor(() => {
      expect(screen.getByLabelText('Role')).toHaveValue('admin');
    });
    await user.click(screen.getByRole('button', { name: 'Reset password' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Reset password' }));
    expect(await screen.findByTestId('temporary-password')).toHaveTextContent('Tmp-9x');
    expect(calls.map((c) => [c.path, c.body])).toEqual([
      ['/api/admin/v1/users/u-1/role', { role: 'admin' }],
      ['/api/admin/v1/users/u-1/password-reset', null],
    ]);
  });
});

describe('admin: config detail', () => {
  it('adds time, saves limits, disables and resets traffic', async () => {
    signedInAs(roleUsers.admin);
    let state: AdminConfigRead = makeAdminConfig({ id: 'c1' });
    const calls: Call[] = [];
    server.use(
      http.get('*/api/admin/v1/configs/:id', () => HttpResponse.json(state)),
      http.post('*/api/admin/v1/configs/:id/*', async ({ request }) => {
        await record(calls, request);
        const path = new URL(request.url).pathname;
        if (path.endsWith('/enabled')) state = { ...state, status: 'disabled' };
        if (path.endsWith('/time/add')) state = { ...state, days_left: 37 };
        if (path.endsWith('/time/remove')) {
          return errorResponse(422, 'validation_error', 'Invalid', [{ loc: ['body', 'hours'], msg: 'too many hours' }]);
        }
        return HttpResponse.json(state);
      }),
    );
    renderApp('/admin/configs/c1');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Add time' }));
    expect(await screen.findByText('Time added.')).toBeInTheDocument();
    expect(screen.getByText('37')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Hours'), '30');
    await user.click(screen.getByRole('button', { name: 'Remove time' }));
    expect(await screen.findByText('At most 23.')).toBeInTheDocument();

    const traffic = screen.getByLabelText('Traffic, GB');
    await user.clear(traffic);
    await user.type(traffic, '0');
    await user.click(screen.getByRole('button', { name: 'Save limits' }));
    expect(await screen.findByText('Limits saved.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Disable' }));
    expect(await screen.findByRole('button', { name: 'Enable' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Reset traffic' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Reset traffic' }));
    expect(await screen.findByText('Traffic reset.')).toBeInTheDocument();

    expect(calls.map((c) => [c.path.replace('/api/admin/v1/configs/c1', ''), c.body])).toEqual([
      ['/time/add', { days: 30, hours: 0 }],
      ['/limits', { total_gb: 0, limit_ip: 2 }],
      ['/enabled', { enabled: false }],
      ['/reset-traffic', null],
    ]);
  });
});

describe('admin: 3X-UI', () => {
  it('shows the panel status and runs a sync, showing the drift report', async () => {
    signedInAs(roleUsers.admin);
    server.use(
      http.get('*/api/admin/v1/xui/status', () =>
        HttpResponse.json({
          configured: true,
          reachable: true,
          authenticated: true,
          era: 'v3.1+',
          panel_version: '3.6.0',
          xray_version: '25.8.3',
          error: null,
          inbounds: [
            { type: 'vless', remark: 'vless', found: true, inbound_id: 1, error: null },
            { type: 'trojan', remark: 'trojan', found: false, inbound_id: null, error: 'No inbound with remark trojan' },
          ],
          last_sync: null,
        }),
      ),
      http.post('*/api/admin/v1/xui/sync', () =>
        HttpResponse.json({
          at: '2026-11-26T20:56:01+00:00',
          ok: true,
          error: null,
          panel_calls: 4,
          configs: 3,
          updated: 2,
          repaired: [{ email: 'bob-vless', what: 'expiry' }],
          missing_on_panel: ['carol-trojan'],
          unknown_to_rayport: [],
        }),
      ),
    );
    renderApp('/admin/xui');
    const user = userEvent.setup({ delay: null });
    expect(await screen.findByText('Working')).toBeInTheDocument();
    expect(screen.getByText('Missing')).toBeInTheDocument();
    expect(screen.getByText('No sync has run yet.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sync now' }));
    const report = await screen.findByTestId('sync-report');
    expect(within(report).getByText('2 differences')).toBeInTheDocument();
    expect(within(report).getByText('bob-vless (expiry)')).toBeInTheDocument();
    expect(within(report).getByText('carol-trojan')).toBeInTheDocument();
  });
});

describe('admin: guards', () => {
  it('a user cannot open the admin area; an admin cannot open superuser sections', async () => {
    signedInAs(makeUser());
    renderApp('/admin/requests');
    expect(await screen.findByText('No access')).toBeInTheDocument();
  });

  it('an admin sees admin sections but not the settings', async () => {
    signedInAs(roleUsers.admin);
    renderApp('/admin/settings');
    expect(await screen.findByText('No access')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Settings' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Requests' })).toBeInTheDocument();
  });
});
