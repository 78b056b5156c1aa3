import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { tokenStore } from '@/lib/api/token-store';
import type { ConfigRead, Me } from '@/lib/api/types';
import {
  errorResponse,
  makeConfig,
  makeTokenPair,
  makeUser,
  readJson,
  settingsHandler,
} from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';

const BY_TYPE = '*/api/backend/v1/client/configs/by-type/:type';

function signedIn(user: Partial<Me> = {}) {
  let me = makeUser(user);
  tokenStore.setTokens(makeTokenPair());
  server.use(
    http.get('*/api/auth/v1/me', () => HttpResponse.json(me)),
    settingsHandler(),
  );
  return {
    setMe: (next: Partial<Me>) => {
      me = { ...me, ...next };
    },
  };
}

/** `by-type` answering the current `config` (mutable by the test), recording the types asked. */
function configServer(initial: ConfigRead) {
  const state = { config: initial, types: [] as string[], bodies: [] as unknown[] };
  server.use(
    http.get(BY_TYPE, ({ params }) => {
      state.types.push(String(params.type));
      return HttpResponse.json({ ...state.config, type: params.type });
    }),
  );
  return state;
}

describe('configs screen', () => {
  it('shows status, days left, usage, limits, the QR code, the share link and the subscription URL', async () => {
    signedIn();
    const state = configServer(makeConfig());
    renderApp('/configs');

    const card = await screen.findByRole('region', { name: 'VLESS' });
    expect(within(card).getByText('Active')).toBeInTheDocument();
    expect(within(card).getByTestId('days-left')).toHaveTextContent('7 days left');
    expect(within(card).getByText('5 GB of 50 GB')).toBeInTheDocument();
    expect(within(card).getByRole('progressbar', { name: 'Traffic' })).toHaveAttribute('aria-valuenow', String(5 * 1024 ** 3));
    expect(within(card).getByText('Devices:').parentElement).toHaveTextContent('Devices: 2');
    expect(within(card).getByRole('img', { name: 'QR code of the VLESS config' }).querySelector('svg')).not.toBeNull();
    expect(within(card).getByTestId('share-link')).toHaveTextContent('vless://uuid@vpn.example.com');
    expect(within(card).getByTestId('subscription-url')).toHaveTextContent('https://vpn.example.com/sub/TOKEN123');
    expect(state.types).toEqual(['vless']);
  });

  it('copies the share link and the subscription URL', async () => {
    signedIn();
    configServer(makeConfig());
    renderApp('/configs');
    // user-event installs a Clipboard API stub on setup; read back what the app wrote.
    const user = userEvent.setup({ delay: null });

    await user.click(await screen.findByRole('button', { name: 'Copy link' }));
    expect(await navigator.clipboard.readText()).toBe(makeConfig().connection_url);
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Copy subscription URL' }));
    expect(await navigator.clipboard.readText()).toBe('https://vpn.example.com/sub/TOKEN123');
  });

  it('opening the Trojan tab fetches (creates) that config', async () => {
    signedIn();
    const state = configServer(makeConfig());
    renderApp('/configs');
    const user = userEvent.setup({ delay: null });
    await screen.findByRole('region', { name: 'VLESS' });
    await user.click(screen.getByRole('tab', { name: 'Trojan' }));
    expect(await screen.findByRole('region', { name: 'Trojan' })).toBeInTheDocument();
    expect(state.types).toEqual(['vless', 'trojan']);
  });

  it('a renewal request shows its pending state and cannot be sent twice', async () => {
    signedIn();
    const state = configServer(makeConfig());
    let renewCalls = 0;
    server.use(
      http.post('*/api/backend/v1/client/configs/:id/renew', ({ params }) => {
        renewCalls += 1;
        expect(params.id).toBe(makeConfig().id);
        state.config = {
          ...state.config,
          status: 'update_pending',
          pending_request: { id: 'r1', kind: 'renew_config', payload: {}, created_at: new Date().toISOString() },
        };
        return HttpResponse.json({ request_id: 'r1' }, { status: 202 });
      }),
    );
    renderApp('/configs');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Request renewal (+30 days)' }));

    expect(await screen.findByText('Renewal requested')).toBeInTheDocument();
    expect(screen.getByText('Request pending')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Request renewal (+30 days)' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Request other limits' })).toBeEnabled();
    expect(renewCalls).toBe(1);
  });

  it('a second open request (409) shows the server message', async () => {
    signedIn();
    configServer(makeConfig());
    server.use(
      http.post('*/api/backend/v1/client/configs/:id/renew', () =>
        errorResponse(409, 'conflict', 'This config already has such a request waiting for an admin'),
      ),
    );
    renderApp('/configs');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: /Request renewal/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('already has such a request waiting');
  });

  it('asks for other limits within the service maxima, sending only what changed', async () => {
    signedIn();
    const state = configServer(makeConfig());
    server.use(
      http.post('*/api/backend/v1/client/configs/:id/update-limits', async ({ request }) => {
        const body = await readJson(request);
        state.bodies.push(body);
        if ((body as { limit_ip?: number }).limit_ip === 4) {
          return errorResponse(422, 'validation_error', 'Outside what the service offers', [
            { loc: ['body', 'limit_ip'], msg: 'must be between 1 and 3' },
          ]);
        }
        state.config = {
          ...state.config,
          status: 'update_pending',
          pending_request: { id: 'r2', kind: 'update_config', payload: { total_gb: 100 }, created_at: new Date().toISOString() },
        };
        return HttpResponse.json({ request_id: 'r2' }, { status: 202 });
      }),
    );
    renderApp('/configs');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Request other limits' }));
    const dialog = await screen.findByRole('dialog', { name: 'Other limits' });
    const traffic = within(dialog).getByLabelText('Traffic limit, GB');
    const devices = within(dialog).getByLabelText('Devices at once');
    expect(traffic).toHaveValue('50');

    // Nothing changed → nothing sent.
    await user.click(within(dialog).getByRole('button', { name: 'Send request' }));
    expect(await within(dialog).findByText('Change at least one value.')).toBeInTheDocument();

    // Above the maximum (500 GB in the settings) → client-side error.
    await user.clear(traffic);
    await user.type(traffic, '900');
    await user.click(within(dialog).getByRole('button', { name: 'Send request' }));
    expect(await within(dialog).findByText('At most 500.')).toBeInTheDocument();

    // The server's own check lands on its field.
    await user.clear(traffic);
    await user.type(traffic, '100');
    await user.clear(devices);
    await user.type(devices, '4');
    await user.click(within(dialog).getByRole('button', { name: 'Send request' }));
    expect(await within(dialog).findByText('must be between 1 and 3')).toBeInTheDocument();
    expect(devices).toHaveAttribute('aria-invalid', 'true');

    await user.clear(devices);
    await user.type(devices, '2');
    await user.click(within(dialog).getByRole('button', { name: 'Send request' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(await screen.findByText('Limits change requested')).toBeInTheDocument();
    expect(screen.getByText('Traffic limit: 100 GB')).toBeInTheDocument();
    expect(state.bodies).toEqual([{ total_gb: 100, limit_ip: 4 }, { total_gb: 100 }]);
  });

  it('the panel being down (503 xui_unavailable) says so and retries', async () => {
    signedIn();
    let down = true;
    server.use(
      http.get(BY_TYPE, () =>
        down ? errorResponse(503, 'xui_unavailable', 'The 3X-UI panel is not reachable') : HttpResponse.json(makeConfig()),
      ),
    );
    const { queryClient } = renderApp('/configs');
    queryClient.setDefaultOptions({ queries: { retry: false } });
    expect(await screen.findByText('The VPN panel is unreachable')).toBeInTheDocument();
    down = false;
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('region', { name: 'VLESS' })).toBeInTheDocument();
  });
});

describe('verification state', () => {
  it('an unverified user sees the request action instead of configs (no config call), then the waiting state', async () => {
    const session = signedIn({ status: 'not_verified' });
    const calls: string[] = [];
    server.use(
      http.get(BY_TYPE, () => {
        calls.push('by-type');
        return errorResponse(403, 'user_not_verified', 'Your account is not verified yet');
      }),
      http.post('*/api/auth/v1/request-verification', () => {
        calls.push('request');
        session.setMe({ status: 'verification_pending' });
        return HttpResponse.json({ request_id: 'v1' }, { status: 202 });
      }),
    );
    renderApp('/configs');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Request verification' }));
    expect(await screen.findByRole('heading', { name: 'Waiting for verification' })).toBeInTheDocument();
    expect(calls).toEqual(['request']);

    // The admin verified meanwhile: "Check again" reloads /me and the configs appear.
    session.setMe({ status: 'verified' });
    server.use(http.get(BY_TYPE, () => HttpResponse.json(makeConfig())));
    await user.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByRole('region', { name: 'VLESS' })).toBeInTheDocument();
  });

  it('403 user_not_verified from the API (stale profile) shows the verification state too', async () => {
    signedIn({ status: 'verified' });
    server.use(http.get(BY_TYPE, () => errorResponse(403, 'user_not_verified', 'Your account is not verified yet')));
    renderApp('/configs');
    expect(await screen.findByTestId('verification-state')).toBeInTheDocument();
  });

  it('admins are exempt from verification', async () => {
    signedIn({ status: 'not_verified', role: 'admin' });
    configServer(makeConfig());
    renderApp('/configs');
    expect(await screen.findByRole('region', { name: 'VLESS' })).toBeInTheDocument();
  });
});

describe('subscription URL', () => {
  it('can be replaced after confirming; the new URL is shown', async () => {
    signedIn();
    const state = configServer(makeConfig());
    let rotations = 0;
    server.use(
      http.post('*/api/backend/v1/client/subscription/rotate', () => {
        rotations += 1;
        state.config = { ...state.config, subscription_url: 'https://vpn.example.com/sub/NEWTOKEN' };
        return HttpResponse.json({ subscription_url: state.config.subscription_url });
      }),
    );
    renderApp('/configs');
    const user = userEvent.setup({ delay: null });
    await user.click(await screen.findByRole('button', { name: 'Get a new subscription URL' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Replace the subscription URL?' });
    await user.click(within(confirm).getByRole('button', { name: 'Get a new subscription URL' }));
    expect(await screen.findByText('New subscription URL issued.')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.getByTestId('subscription-url')).toHaveTextContent('https://vpn.example.com/sub/NEWTOKEN');
    });
    expect(rotations).toBe(1);
  });
});
