import { http, HttpResponse } from 'msw';

import type {
  AdminConfigRead,
  ConfigRead,
  Me,
  NotificationRead,
  RequestRead,
  Role,
  SessionRead,
  TokenPair,
} from '@/lib/api/types';

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

/** `{items, page, limit, total, pages}` around `items`. */
export function pageOf<T>(items: T[], page = 1, limit = 20, total = items.length) {
  return { items, page, limit, total, pages: Math.max(1, Math.ceil(total / limit)) };
}

const DAY = 86_400_000;

/** A config as `GET client/configs/by-type/{type}` answers it. */
export function makeConfig(overrides: Partial<ConfigRead> = {}): ConfigRead {
  const now = Date.now();
  return {
    id: 'c0f1c000-0000-4000-8000-000000000001',
    type: 'vless',
    status: 'active',
    valid_from: new Date(now - DAY).toISOString(),
    valid_to: new Date(now + 7 * DAY + 3_600_000).toISOString(),
    days_left: 7,
    total_gb: 50,
    limit_ip: 2,
    used_bytes: 5 * 1024 ** 3,
    up_bytes: 1024 ** 3,
    down_bytes: 4 * 1024 ** 3,
    connection_url: 'vless://uuid@vpn.example.com:443?type=tcp&security=reality#alice_01-vless',
    subscription_url: 'https://vpn.example.com/sub/TOKEN123',
    last_synced_at: new Date(now - 60_000).toISOString(),
    pending_request: null,
    ...overrides,
  };
}

export function makeAdminConfig(overrides: Partial<AdminConfigRead> = {}): AdminConfigRead {
  return {
    ...makeConfig(),
    user_id: '7b0c1d2e-0000-4000-8000-000000000001',
    login: 'alice_01',
    client_email: 'alice_01-vless',
    inbound_id: 1,
    ...overrides,
  };
}

export function makeRequest(overrides: Partial<RequestRead> = {}): RequestRead {
  return {
    id: 'e0e0e0e0-0000-4000-8000-000000000001',
    user_id: '7b0c1d2e-0000-4000-8000-000000000001',
    user_login: 'alice_01',
    kind: 'verify',
    status: 'new',
    target_type: 'user',
    target_id: '7b0c1d2e-0000-4000-8000-000000000001',
    payload: {},
    comment: null,
    decided_by_id: null,
    decided_by_login: null,
    decided_at: null,
    created_at: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

export function makeSession(overrides: Partial<SessionRead> = {}): SessionRead {
  return {
    id: 'a5a5a5a5-0000-4000-8000-000000000001',
    device: 'Chrome on Android',
    user_agent: 'Mozilla/5.0',
    ip: '203.0.113.7',
    created_at: '2026-11-20T10:00:00Z',
    last_activity_at: '2026-11-21T10:00:00Z',
    expires_at: '2026-12-20T10:00:00Z',
    current: false,
    ...overrides,
  };
}

export function makeNotification(overrides: Partial<NotificationRead> = {}): NotificationRead {
  return {
    id: 'b0b0b0b0-0000-4000-8000-000000000001',
    kind: 'account_verified',
    title: { ru: 'Аккаунт подтверждён', en: 'Account verified' },
    content: { ru: 'Теперь можно получить конфиги.', en: 'You can now get your configs.' },
    status: 'sent',
    channel: 'in_app',
    created_at: '2026-11-21T10:00:00Z',
    sent_at: '2026-11-21T10:00:01Z',
    read_at: null,
    ...overrides,
  };
}

/** Every JSON body (or `null` for none) the handler saw, in order. */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  return text ? (JSON.parse(text) as unknown) : null;
}

/**
 * Neutral answers for what the screens behind a login load (settings, configs, news, account
 * lists), for tests about something else (session mechanics, redirects) that land on them.
 */
export function screenDataHandlers() {
  return [
    settingsHandler(),
    http.get('*/api/backend/v1/client/configs/by-type/:type', ({ params }) =>
      HttpResponse.json(makeConfig({ type: params.type === 'trojan' ? 'trojan' : 'vless' })),
    ),
    http.get('*/api/backend/v1/news', () => HttpResponse.json(pageOf([]))),
    http.get('*/api/auth/v1/sessions', () => HttpResponse.json([makeSession({ current: true })])),
    http.get('*/api/auth/v1/account/notifications', () => HttpResponse.json(pageOf([]))),
  ];
}
