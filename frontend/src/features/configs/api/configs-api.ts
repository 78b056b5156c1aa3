/** The user's own configs (`/api/backend/v1/client`). */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { ConfigRead, ConfigType, LimitsBody } from '@/lib/api/types';
import { apiClient } from '@/lib/api/typed-client';

export const CONFIG_TYPES = ['vless', 'trojan'] as const satisfies readonly ConfigType[];

export const configKeys = {
  all: ['configs'] as const,
  byType: (type: ConfigType) => ['configs', 'by-type', type] as const,
  subscription: ['configs', 'subscription'] as const,
};

/**
 * `GET client/configs/by-type/{type}`: the config of that type, created on the panel the
 * first time it is asked for. 403 `user_not_verified` before verification; 503
 * `xui_unavailable` when the panel cannot be reached.
 */
export function configByTypeQuery(type: ConfigType) {
  return queryOptions({
    queryKey: configKeys.byType(type),
    queryFn: ({ signal }) =>
      apiClient.get('/api/backend/v1/client/configs/by-type/{config_type}', { path: { config_type: type }, signal }),
  });
}

export function useConfigByType(type: ConfigType, enabled = true) {
  return useQuery({ ...configByTypeQuery(type), enabled });
}

/** `POST client/configs/{id}/renew` → 202 `{request_id}`; a second open one → 409. */
export function useRenewRequest(config: ConfigRead) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiClient.post('/api/backend/v1/client/configs/{config_id}/renew', { path: { config_id: config.id } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: configKeys.byType(config.type) }),
  });
}

/** `POST client/configs/{id}/update-limits` `{total_gb?, limit_ip?}` → 202; 422 outside the maxima. */
export function useLimitsRequest(config: ConfigRead) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LimitsBody) =>
      apiClient.post('/api/backend/v1/client/configs/{config_id}/update-limits', {
        path: { config_id: config.id },
        body,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: configKeys.byType(config.type) }),
  });
}

/** `POST client/subscription/rotate`: a new subscription URL; the old one stops working. */
export function useRotateSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiClient.post('/api/backend/v1/client/subscription/rotate'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: configKeys.all }),
  });
}
