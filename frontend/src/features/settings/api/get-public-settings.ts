import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import type { PublicSettings } from '@/lib/api/types';

/** `GET /api/app/v1/settings` — the public part (no auth). */
export function getPublicSettings(signal?: AbortSignal): Promise<PublicSettings> {
  return api.get<PublicSettings>('/app/v1/settings', { auth: false, ...(signal ? { signal } : {}) });
}

export const publicSettingsQuery = queryOptions({
  queryKey: ['app', 'settings', 'public'],
  queryFn: ({ signal }) => getPublicSettings(signal),
  staleTime: 5 * 60_000,
});

export function usePublicSettings() {
  return useQuery(publicSettingsQuery);
}

/** Telegram login is configured (a bot exists). Missing field or failed request = off. */
export function isTelegramLoginEnabled(settings: PublicSettings | undefined): boolean {
  return settings?.telegram?.login_enabled === true;
}

/** The bot's username without `@`, if the settings name one. */
export function telegramBotUsername(settings: PublicSettings | undefined): string | null {
  const name = settings?.telegram?.bot_username;
  return typeof name === 'string' && name.trim() ? name.trim().replace(/^@/, '') : null;
}

/** Registration is treated as open unless the settings explicitly say it is closed. */
export function isRegistrationClosed(settings: PublicSettings | undefined): boolean {
  return settings?.registration_enabled === false;
}
