import { http, HttpResponse } from 'msw';

import type { Me, Role, TokenPair } from '@/lib/api/types';

import { makeJwt } from './jwt';

export function makeUser(overrides: Partial<Me> = {}): Me {
  return {
    id: '7b0c1d2e-0000-4000-8000-000000000001',
    login: 'alice_01',
    role: 'user',
    status: 'verified',
    profile: { first_name: 'Alice', last_name: null, email: 'alice@example.com', lang_code: 'en' },
    socials: [],
    is_active: true,
    must_change_password: false,
    has_password: true,
    created_at: '2026-11-01T10:00:00Z',
    ...overrides,
  };
}

export function makeTokenPair(suffix = '1', expiresInSec = 900): TokenPair {
  return {
    access_token: makeJwt({ expiresInSec }),
    refresh_token: `refresh-${suffix}`,
    token_type: 'bearer',
    expires_in: expiresInSec,
  };
}

/** The API's error envelope, as the back end renders it. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  details: unknown = null,
  headers: Record<string, string> = {},
) {
  return HttpResponse.json({ error: { code, message, details } }, { status, headers });
}

/** `GET /api/auth/v1/me` answering `user` for any bearer token in `validTokens` (or any, if omitted). */
export function meHandler(user: Me, validTokens?: () => readonly string[]) {
  return http.get('*/api/auth/v1/me', ({ request }) => {
    const token = request.headers.get('Authorization')?.replace(/^Bearer /, '') ?? '';
    if (!token || (validTokens && !validTokens().includes(token))) {
      return errorResponse(401, 'not_authenticated', 'Authentication required');
    }
    return HttpResponse.json(user);
  });
}

/** The public settings as the back end renders them by default; `overrides` replace top-level keys. */
export function publicSettings(overrides: Record<string, unknown> = {}) {
  return {
    registration_enabled: true,
    telegram: { login_enabled: false, bot_username: null },
    service: {
      promo_days: 7,
      renew_days: 30,
      base_total_gb: 50,
      base_limit_ip: 2,
      max_total_gb: 500,
      max_limit_ip: 5,
    },
    ...overrides,
  };
}

/** `GET /api/app/v1/settings` answering `body` (default: `publicSettings()`). */
export function settingsHandler(body: Record<string, unknown> = publicSettings()) {
  return http.get('*/api/app/v1/settings', () => HttpResponse.json(body));
}

export const roleUsers: Record<Role, Me> = {
  superuser: makeUser({ login: 'root_admin', role: 'superuser' }),
  admin: makeUser({ login: 'admin_bob', role: 'admin' }),
  user: makeUser(),
};
