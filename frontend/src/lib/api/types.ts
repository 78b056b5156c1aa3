/**
 * Hand-written wire types for the calls this slice uses, matching DESIGN §4 exactly.
 *
 * The back end publishes its OpenAPI at `/api/openapi.json`; `npm run gen:api` turns a copy
 * of it (`frontend/openapi.json`) into `schema.d.ts`. When that lands, this file becomes
 * re-exports such as
 *   export type TokenPair = components['schemas']['TokenPair'];
 * and nothing else in the app changes: every module imports its wire types from here.
 */

export type Role = 'superuser' | 'admin' | 'user';
export type UserStatus = 'not_verified' | 'verification_pending' | 'verified';
export type LangCode = 'ru' | 'en';

/** `201`/`200` body of register, login, refresh and Telegram login. */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  /** Access token lifetime in seconds. */
  expires_in: number;
}

export interface Profile {
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  lang_code: LangCode;
}

export interface Social {
  name: string; // "telegram"
  external_id: string;
  username: string | null;
  /** false once the user blocked the bot */
  reachable: boolean;
}

/** `GET /api/auth/v1/me`: DESIGN's `{id, login, role, status, profile, socials}` plus flags. */
export interface Me {
  id: string;
  login: string;
  role: Role;
  status: UserStatus;
  profile: Profile;
  socials: Social[];
  is_active: boolean;
  /** Set by an admin password reset: the app sends the user to the change-password screen. */
  must_change_password: boolean;
  /** false for Telegram-only accounts: changing the password then needs no current one. */
  has_password: boolean;
  created_at: string;
}

/** `POST /api/auth/v1/login`. */
export interface LoginBody {
  login: string;
  password: string;
}

/** `POST /api/auth/v1/register`. */
export interface RegisterBody {
  login: string;
  password: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  lang_code?: LangCode;
}

/** `POST /api/auth/v1/refresh`. */
export interface RefreshBody {
  refresh_token: string;
}

/** `POST /api/auth/v1/login/social/telegram` (Mini App variant). */
export interface TelegramInitDataBody {
  init_data: string;
}

/** `POST /api/auth/v1/change-password` → 204; every *other* session of the user ends. */
export interface ChangePasswordBody {
  /** Required unless the account has no password yet (`me.has_password === false`). */
  current_password?: string;
  new_password: string;
}

/** `PATCH /api/auth/v1/account/profile` (partial). */
export type ProfilePatch = Partial<Profile>;

/** Service limits (`app_settings.service`): what a user may request. 0 = unlimited/no cap. */
export interface ServiceSettings {
  promo_days: number;
  renew_days: number;
  base_total_gb: number;
  base_limit_ip: number;
  max_total_gb: number;
  max_limit_ip: number;
}

/**
 * `GET /api/app/v1/settings` — the public part of app settings. Typed as all-optional on
 * purpose: the UI treats a missing field as "off", so an older/newer back end degrades
 * gracefully instead of breaking the login page.
 */
export interface PublicSettings {
  /** `false` → the register page says so up front. */
  registration_enabled?: boolean;
  telegram?: {
    /** A bot is configured: Telegram login (Mini App / Login Widget) is available. */
    login_enabled?: boolean;
    /** The bot's username (no `@`), when known. */
    bot_username?: string | null;
  };
  service?: ServiceSettings;
}

/** The one error envelope (DESIGN §4). */
export interface ErrorEnvelope {
  error: {
    code: string;
    message: string;
    details?: unknown;
  };
}

/** Stable error codes from DESIGN §4, plus two the client itself produces. */
export type ApiErrorCode =
  | 'validation_error'
  | 'not_authenticated'
  | 'permission_denied'
  | 'user_not_verified'
  | 'registration_disabled'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'xui_unavailable'
  | 'xui_error'
  | 'internal_error'
  | 'payload_too_large'
  /** client-side: the request never got an HTTP answer */
  | 'network_error'
  /** client-side: an HTTP error without the envelope (proxy page, HTML 502...) */
  | 'unexpected_response';

/** List responses: `{items, page, limit, total, pages}`. */
export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
  pages: number;
}
