/** The user's own account: sessions, notifications, Telegram link (`/api/auth/v1`). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { TelegramInitDataBody, TelegramWidgetBody } from '@/lib/api/types';
import { apiClient } from '@/lib/api/typed-client';

export const accountKeys = {
  sessions: ['account', 'sessions'] as const,
  notifications: (page: number) => ['account', 'notifications', page] as const,
  allNotifications: ['account', 'notifications'] as const,
};

export const NOTIFICATIONS_PAGE_SIZE = 10;

/** `GET /auth/v1/sessions`: the user's live sessions; `current` marks this one. */
export function useMySessions() {
  return useQuery({
    queryKey: accountKeys.sessions,
    queryFn: ({ signal }) => apiClient.get('/api/auth/v1/sessions', { signal }),
  });
}

/** `DELETE /auth/v1/sessions/{id}` → 204. */
export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiClient.delete('/api/auth/v1/sessions/{session_id}', { path: { session_id: id } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.sessions }),
  });
}

/** `DELETE /auth/v1/sessions` → 204: every session but this one. */
export function useEndOtherSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiClient.delete('/api/auth/v1/sessions'),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.sessions }),
  });
}

export function useMyNotifications(page: number) {
  return useQuery({
    queryKey: accountKeys.notifications(page),
    queryFn: ({ signal }) =>
      apiClient.get('/api/auth/v1/account/notifications', { query: { page, limit: NOTIFICATIONS_PAGE_SIZE }, signal }),
    placeholderData: keepPreviousData,
  });
}

/** `POST /auth/v1/account/notifications/{id}/read` → 204. */
export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiClient.post('/api/auth/v1/account/notifications/{notification_id}/read', { path: { notification_id: id } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.allNotifications }),
  });
}

/** `POST /auth/v1/account/socials/telegram` with Login Widget fields or Mini App initData. */
export function linkTelegram(body: TelegramWidgetBody | TelegramInitDataBody) {
  return apiClient.post('/api/auth/v1/account/socials/telegram', { body });
}

/** `DELETE /auth/v1/account/socials/telegram` → 204; 409 without a password. */
export function unlinkTelegram() {
  return apiClient.delete('/api/auth/v1/account/socials/telegram');
}
