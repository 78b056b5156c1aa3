/**
 * `/api/admin/v1`: what admins work with. Queries are keyed under `['admin', <area>, ...]` so
 * a decision can refresh every list it touches with one `invalidateQueries({queryKey:
 * ['admin']})` (cheap: only mounted queries refetch).
 */
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { paths } from '@/lib/api/schema';
import type { LimitsBody, RoleIn, SyncReport, TimeChangeBody } from '@/lib/api/types';
import { apiClient } from '@/lib/api/typed-client';

type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never;

export type RequestFilters = QueryOf<'/api/admin/v1/requests'>;
export type UserFilters = QueryOf<'/api/admin/v1/users'>;
export type ConfigFilters = QueryOf<'/api/admin/v1/configs'>;
export type SessionFilters = QueryOf<'/api/admin/v1/sessions'>;
export type NotificationFilters = QueryOf<'/api/admin/v1/notifications'>;
export type AuditFilters = QueryOf<'/api/admin/v1/audit'>;

export const PAGE_SIZE = 20;

export const adminKeys = {
  all: ['admin'] as const,
  requests: (filters: RequestFilters) => ['admin', 'requests', filters] as const,
  users: (filters: UserFilters) => ['admin', 'users', 'list', filters] as const,
  user: (id: string) => ['admin', 'users', 'detail', id] as const,
  configs: (filters: ConfigFilters) => ['admin', 'configs', 'list', filters] as const,
  config: (id: string) => ['admin', 'configs', 'detail', id] as const,
  sessions: (filters: SessionFilters) => ['admin', 'sessions', filters] as const,
  notifications: (filters: NotificationFilters) => ['admin', 'notifications', filters] as const,
  audit: (filters: AuditFilters) => ['admin', 'audit', filters] as const,
  xui: ['admin', 'xui', 'status'] as const,
};

function useInvalidateAdmin() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: adminKeys.all });
}

// --- requests ---------------------------------------------------------------------

export function useRequests(filters: RequestFilters) {
  return useQuery({
    queryKey: adminKeys.requests(filters),
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/requests', { query: filters, signal }),
    placeholderData: keepPreviousData,
  });
}

/** Apply or deny (`{comment?}`) → 200 the request; 409 when someone decided it already. */
export function useDecideRequest() {
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: ({ id, decision, comment }: { id: string; decision: 'apply' | 'deny'; comment: string }) => {
      // No comment → no body at all (the API takes `{comment?}` or nothing).
      const args = { path: { request_id: id }, ...(comment.trim() ? { body: { comment: comment.trim() } } : {}) };
      return decision === 'apply'
        ? apiClient.post('/api/admin/v1/requests/{request_id}/apply', args)
        : apiClient.post('/api/admin/v1/requests/{request_id}/deny', args);
    },
    onSettled: invalidate,
  });
}

// --- users ------------------------------------------------------------------------

export function useUsers(filters: UserFilters) {
  return useQuery({
    queryKey: adminKeys.users(filters),
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/users', { query: filters, signal }),
    placeholderData: keepPreviousData,
  });
}

export function userDetailQuery(id: string) {
  return queryOptions({
    queryKey: adminKeys.user(id),
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/users/{user_id}', { path: { user_id: id }, signal }),
  });
}

export function useUserDetail(id: string) {
  return useQuery(userDetailQuery(id));
}

export type UserAction = 'verify' | 'unverify' | 'deactivate' | 'reactivate';

export function useUserAction(id: string) {
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: (action: UserAction) => {
      const args = { path: { user_id: id } };
      switch (action) {
        case 'verify':
          return apiClient.post('/api/admin/v1/users/{user_id}/verify', args);
        case 'unverify':
          return apiClient.post('/api/admin/v1/users/{user_id}/unverify', args);
        case 'deactivate':
          return apiClient.post('/api/admin/v1/users/{user_id}/deactivate', args);
        case 'reactivate':
          return apiClient.post('/api/admin/v1/users/{user_id}/reactivate', args);
      }
    },
    onSettled: invalidate,
  });
}

/** Superuser: `PATCH users/{id}/role`; the user's sessions end. */
export function useChangeRole(id: string) {
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: (body: RoleIn) => apiClient.patch('/api/admin/v1/users/{user_id}/role', { path: { user_id: id }, body }),
    onSettled: invalidate,
  });
}

/** Superuser: a temporary password, delivered to the user or returned once. */
export function usePasswordReset(id: string) {
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: () => apiClient.post('/api/admin/v1/users/{user_id}/password-reset', { path: { user_id: id } }),
    onSettled: invalidate,
  });
}

// --- configs ----------------------------------------------------------------------

export function useAdminConfigs(filters: ConfigFilters) {
  return useQuery({
    queryKey: adminKeys.configs(filters),
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/configs', { query: filters, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useAdminConfig(id: string) {
  return useQuery({
    queryKey: adminKeys.config(id),
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/configs/{config_id}', { path: { config_id: id }, signal }),
  });
}

export type ConfigAction =
  | { kind: 'addTime'; body: TimeChangeBody }
  | { kind: 'removeTime'; body: TimeChangeBody }
  | { kind: 'limits'; body: LimitsBody }
  | { kind: 'enabled'; enabled: boolean }
  | { kind: 'resetTraffic' };

export function useConfigAction(id: string) {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: (action: ConfigAction) => {
      const path = { config_id: id };
      switch (action.kind) {
        case 'addTime':
          return apiClient.post('/api/admin/v1/configs/{config_id}/time/add', { path, body: action.body });
        case 'removeTime':
          return apiClient.post('/api/admin/v1/configs/{config_id}/time/remove', { path, body: action.body });
        case 'limits':
          return apiClient.post('/api/admin/v1/configs/{config_id}/limits', { path, body: action.body });
        case 'enabled':
          return apiClient.post('/api/admin/v1/configs/{config_id}/enabled', { path, body: { enabled: action.enabled } });
        case 'resetTraffic':
          return apiClient.post('/api/admin/v1/configs/{config_id}/reset-traffic', { path });
      }
    },
    onSuccess: (config) => {
      queryClient.setQueryData(adminKeys.config(id), config);
    },
    onSettled: invalidate,
  });
}

// --- sessions, notifications, audit ----------------------------------------------------

export function useAdminSessions(filters: SessionFilters) {
  return useQuery({
    queryKey: adminKeys.sessions(filters),
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/sessions', { query: filters, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useRevokeSession() {
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: (id: string) => apiClient.delete('/api/admin/v1/sessions/{session_id}', { path: { session_id: id } }),
    onSettled: invalidate,
  });
}

/** Deletes ended sessions older than `days` (server default when omitted). */
export function useSessionsCleanup() {
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: () => apiClient.post('/api/admin/v1/sessions/cleanup'),
    onSettled: invalidate,
  });
}

export function useAdminNotifications(filters: NotificationFilters) {
  return useQuery({
    queryKey: adminKeys.notifications(filters),
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/notifications', { query: filters, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useResendNotification() {
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: (id: string) =>
      apiClient.post('/api/admin/v1/notifications/{notification_id}/resend', { path: { notification_id: id } }),
    onSettled: invalidate,
  });
}

export function useNotificationsCleanup() {
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: () => apiClient.post('/api/admin/v1/notifications/cleanup'),
    onSettled: invalidate,
  });
}

export function useAudit(filters: AuditFilters) {
  return useQuery({
    queryKey: adminKeys.audit(filters),
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/audit', { query: filters, signal }),
    placeholderData: keepPreviousData,
  });
}

// --- 3X-UI ----------------------------------------------------------------------------

export function useXuiStatus() {
  return useQuery({
    queryKey: adminKeys.xui,
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/xui/status', { signal }),
  });
}

/** `POST xui/sync`: pull traffic/expiry now and repair drift; answers the report. */
export function useXuiSync() {
  const invalidate = useInvalidateAdmin();
  return useMutation({
    mutationFn: async () => (await apiClient.post('/api/admin/v1/xui/sync')) as unknown as SyncReport,
    onSettled: invalidate,
  });
}
