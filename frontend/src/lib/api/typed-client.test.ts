import { http, HttpResponse } from 'msw';
import { describe, expect, expectTypeOf, it } from 'vitest';

import { errorResponse } from '@/testing/fixtures';
import { server } from '@/testing/server';

import { ApiError } from './errors';
import type { ConfigRead, RequestDecisionRead } from './types';
import { apiClient, resolvePath, type SuccessBody, type Operation } from './typed-client';

describe('typed client', () => {
  it('fills and encodes path parameters and drops the /api prefix the fetch client adds back', () => {
    expect(resolvePath('/api/admin/v1/users/{user_id}', { user_id: 'a b/c' })).toBe('/admin/v1/users/a%20b%2Fc');
    expect(resolvePath('/api/app/v1/health')).toBe('/app/v1/health');
    expect(() => resolvePath('/api/x/{id}')).toThrow('Missing path parameter "id"');
  });

  it('sends method, path, query (nulls left out) and body through the common client', async () => {
    const seen: string[] = [];
    server.use(
      http.get('*/api/admin/v1/users', ({ request }) => {
        seen.push(`GET ${new URL(request.url).search}`);
        return HttpResponse.json({ items: [], page: 2, limit: 5, total: 0, pages: 0 });
      }),
      http.post('*/api/admin/v1/requests/:id/deny', async ({ request, params }) => {
        seen.push(`POST ${String(params.id)} ${await request.text()}`);
        return errorResponse(409, 'conflict', 'This request has already been decided');
      }),
    );
    const page = await apiClient.get('/api/admin/v1/users', { query: { page: 2, limit: 5, q: null, is_active: false }, auth: false });
    expect(page.page).toBe(2);
    await expect(
      apiClient.post('/api/admin/v1/requests/{request_id}/deny', { path: { request_id: 'r1' }, body: { comment: 'no' }, auth: false }),
    ).rejects.toBeInstanceOf(ApiError);
    expect(seen).toEqual(['GET ?page=2&limit=5&is_active=false', 'POST r1 {"comment":"no"}']);
  });

  it('types requests and answers from the OpenAPI schema', () => {
    expectTypeOf<SuccessBody<Operation<'/api/backend/v1/client/configs/by-type/{config_type}', 'get'>>>().toEqualTypeOf<ConfigRead>();
    expectTypeOf<SuccessBody<Operation<'/api/admin/v1/requests/{request_id}/apply', 'post'>>>().toEqualTypeOf<RequestDecisionRead>();
    expectTypeOf<SuccessBody<Operation<'/api/auth/v1/logout', 'post'>>>().toEqualTypeOf<undefined>();
    // Compile-time checks only: never called.
    const wrongCalls = [
      // @ts-expect-error: the path parameter is required
      () => apiClient.get('/api/admin/v1/users/{user_id}'),
      // @ts-expect-error: not an operation of the API
      () => apiClient.get('/api/nope'),
      // @ts-expect-error: the body does not match LimitsIn
      () => apiClient.post('/api/admin/v1/configs/{config_id}/limits', { path: { config_id: 'c' }, body: { total_gb: 'ten' } }),
    ];
    expect(wrongCalls).toHaveLength(3);
  });
});
