/** Calls of `/api/auth/v1` used by the session (shapes: DESIGN §4, types: the OpenAPI). */
import type {
  ChangePasswordBody,
  LoginBody,
  Me,
  RegisterBody,
  RequestCreated,
  TelegramInitDataBody,
  TelegramWidgetBody,
  TokenPair,
} from '@/lib/api/types';
import { apiClient } from '@/lib/api/typed-client';

export const meQueryKey = ['auth', 'me'] as const;

/** `POST /auth/v1/login` → 200 token pair. 401 on wrong credentials. */
export function loginWithPassword(body: LoginBody): Promise<TokenPair> {
  return apiClient.post('/api/auth/v1/login', { body, auth: false });
}

/** `POST /auth/v1/register` → 201 token pair. 403 `registration_disabled`, 422, 409. */
export function register(body: RegisterBody): Promise<TokenPair> {
  return apiClient.post('/api/auth/v1/register', { body, auth: false });
}

/** `POST /auth/v1/login/social/telegram` with the Mini App's raw `initData` → 200 token pair. */
export function loginWithTelegram(initData: string): Promise<TokenPair> {
  const body: TelegramInitDataBody = { init_data: initData };
  return apiClient.post('/api/auth/v1/login/social/telegram', { body, auth: false });
}

/** The same call with the Login Widget's signed fields (outside Telegram). */
export function loginWithTelegramWidget(body: TelegramWidgetBody): Promise<TokenPair> {
  return apiClient.post('/api/auth/v1/login/social/telegram', { body, auth: false });
}

/** `GET /auth/v1/me`. */
export function getMe(signal?: AbortSignal): Promise<Me> {
  return apiClient.get('/api/auth/v1/me', signal ? { signal } : undefined);
}

/** `POST /auth/v1/logout` → 204. Revokes this session server-side. */
export function logout(): Promise<void> {
  return apiClient.post('/api/auth/v1/logout');
}

/**
 * `POST /auth/v1/change-password` → 204. Wrong current password: 403 `permission_denied`
 * with `details.field = "current_password"`; same as before: 409 `conflict`.
 */
export function changePassword(body: ChangePasswordBody): Promise<void> {
  return apiClient.post('/api/auth/v1/change-password', { body });
}

/**
 * `POST /auth/v1/request-verification` → 202 `{request_id}`: `not_verified` →
 * `verification_pending`. 409 when already verified or already waiting.
 */
export function requestVerification(): Promise<RequestCreated> {
  return apiClient.post('/api/auth/v1/request-verification');
}
