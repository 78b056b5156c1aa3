/** Run-time settings for the superuser: `GET /app/v1/settings/all`, `PATCH /app/v1/settings`. */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { SettingsPatch } from '@/lib/api/types';
import { apiClient } from '@/lib/api/typed-client';

import { publicSettingsQuery } from './get-public-settings';

export const allSettingsQuery = queryOptions({
  queryKey: ['app', 'settings', 'all'],
  queryFn: ({ signal }) => apiClient.get('/api/app/v1/settings/all', { signal }),
});

export function useAllSettings() {
  return useQuery(allSettingsQuery);
}

export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: SettingsPatch) => apiClient.patch('/api/app/v1/settings', { body: patch }),
    onSuccess: (settings) => {
      queryClient.setQueryData(allSettingsQuery.queryKey, settings);
      void queryClient.invalidateQueries({ queryKey: publicSettingsQuery.queryKey });
    },
  });
}
