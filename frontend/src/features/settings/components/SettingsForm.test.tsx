import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { tokenStore } from '@/lib/api/token-store';
import type { AllSettings } from '@/lib/api/types';
import { errorResponse, makeTokenPair, meHandler, readJson, roleUsers, settingsHandler } from '@/testing/fixtures';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';

const ALL: AllSettings = {
  basic: { registration_enabled: true, auto_verify_telegram: false },
  service: { promo_days: 7, renew_days: 30, base_total_gb: 50, base_limit_ip: 2, max_total_gb: 500, max_limit_ip: 5 },
};

describe('settings (superuser)', () => {
  it('sends only what changed and shows the saved values', async () => {
    tokenStore.setTokens(makeTokenPair());
    const patches: unknown[] = [];
    let settings = ALL;
    server.use(
      meHandler(roleUsers.superuser),
      settingsHandler(),
      http.get('*/api/app/v1/settings/all', () => HttpResponse.json(settings)),
      http.patch('*/api/app/v1/settings', async ({ request }) => {
        const patch = (await readJson(request)) as { basic?: object; service?: object };
        patches.push(patch);
        if ((patch.service as { max_limit_ip?: number } | undefined)?.max_limit_ip === 999) {
          return errorResponse(422, 'validation_error', 'Invalid', [
            { loc: ['body', 'service', 'max_limit_ip'], msg: 'Input should be less than or equal to 100' },
          ]);
        }
        settings = {
          basic: { ...settings.basic, ...patch.basic },
          service: { ...settings.service, ...patch.service },
        };
        return HttpResponse.json(settings);
      }),
    );
    renderApp('/admin/settings');
    const user = userEvent.setup({ delay: null });
    const save = await screen.findByRole('button', { name: 'Save settings' });
    expect(save).toBeDisabled();

    await user.click(screen.getByLabelText('Registration is open'));
    const renew = screen.getByLabelText('Days added by a renewal');
    await user.clear(renew);
    await user.type(renew, '3x');
    await user.click(save);
    expect(await screen.findByText('Enter a whole number (0 or more).')).toBeInTheDocument();

    await user.clear(renew);
    await user.type(renew, '14');
    const maxIp = screen.getByLabelText('Most devices a user may ask for');
    await user.clear(maxIp);
    await user.type(maxIp, '999');
    await user.click(save);
    expect(await screen.findByText('Input should be less than or equal to 100')).toBeInTheDocument();

    await user.clear(maxIp);
    await user.type(maxIp, '5');
    await user.click(save);
    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
    expect(screen.getByLabelText('Registration is open')).not.toBeChecked();
    expect(patches).toEqual([
      { basic: { registration_enabled: false }, service: { renew_days: 14, max_limit_ip: 999 } },
      { basic: { registration_enabled: false }, service: { renew_days: 14 } },
    ]);
  });
});
