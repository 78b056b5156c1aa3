/** News: the published feed (`/api/backend/v1/news`) and the editor (`/api/admin/v1/news`). */
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { NewsCreate, NewsUpdate } from '@/lib/api/types';
import { apiClient } from '@/lib/api/typed-client';

export const FEED_PAGE_SIZE = 10;

export const newsKeys = {
  /** The feed is in the reader's profile language: invalidate it when that changes. */
  feed: ['news', 'feed'] as const,
  admin: ['news', 'admin'] as const,
  adminList: (filters: { page: number; is_published?: boolean | undefined }) => ['news', 'admin', 'list', filters] as const,
  adminItem: (id: string) => ['news', 'admin', 'item', id] as const,
};

export const newsFeedQuery = infiniteQueryOptions({
  queryKey: newsKeys.feed,
  queryFn: ({ pageParam, signal }) =>
    apiClient.get('/api/backend/v1/news', { query: { page: pageParam, limit: FEED_PAGE_SIZE }, signal }),
  initialPageParam: 1,
  getNextPageParam: (last) => (last.page < last.pages ? last.page + 1 : undefined),
});

export function useNewsFeed(enabled = true) {
  return useInfiniteQuery({ ...newsFeedQuery, enabled });
}

export function adminNewsListQuery(filters: { page: number; is_published?: boolean | undefined }) {
  return queryOptions({
    queryKey: newsKeys.adminList(filters),
    queryFn: ({ signal }) =>
      apiClient.get('/api/admin/v1/news', {
        query: { page: filters.page, limit: 20, is_published: filters.is_published ?? null },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

export function useAdminNewsList(filters: { page: number; is_published?: boolean | undefined }) {
  return useQuery(adminNewsListQuery(filters));
}

export function useAdminNewsItem(id: string | undefined) {
  return useQuery({
    queryKey: newsKeys.adminItem(id ?? ''),
    queryFn: ({ signal }) => apiClient.get('/api/admin/v1/news/{news_id}', { path: { news_id: id ?? '' }, signal }),
    enabled: Boolean(id),
  });
}

function useInvalidateNews() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['news'] });
}

export function useCreateNews() {
  const invalidate = useInvalidateNews();
  return useMutation({
    mutationFn: (body: NewsCreate) => apiClient.post('/api/admin/v1/news', { body }),
    onSuccess: invalidate,
  });
}

export function useUpdateNews(id: string) {
  const invalidate = useInvalidateNews();
  return useMutation({
    mutationFn: (body: NewsUpdate) => apiClient.patch('/api/admin/v1/news/{news_id}', { path: { news_id: id }, body }),
    onSuccess: invalidate,
  });
}

export function useDeleteNews() {
  const invalidate = useInvalidateNews();
  return useMutation({
    mutationFn: (id: string) => apiClient.delete('/api/admin/v1/news/{news_id}', { path: { news_id: id } }),
    onSuccess: invalidate,
  });
}
