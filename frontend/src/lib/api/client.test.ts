import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { errorResponse, makeTokenPair } from '@/testing/fixtures';
import { server } from '@/testing/server';

import { api } from './client';
import { ApiError } from './errors';
import { tokenStore } from './token-store';

describe('api client', () => {
  it('sends JSON with bearer token, Accept and Accept-Language, and parses the JSON answer', async () => {
    const pair = makeTokenPair();
    tokenStore.setTokens(pair);
    document.documentElement.lang = 'ru';
    let seen: { url: string; method: string; headers: Record<string, string | null>; body: unknown } | null = null;
    server.use(
      http.post('*/api/backend/v1/client/configs/:id/update-limits', async ({ request }) => {
        seen = {
          url: request.url,
          method: request.method,
          headers: {
            authorization: request.headers.get('Authorization'),
            accept: request.headers.get('Accept'),
            contentType: request.headers.get('Content-Type'),
            acceptLanguage: request.headers.get('Accept-Language'),
          },
          body: await request.json(),
        };
        return HttpResponse.json({ request_id: 'req-1' }, { status: 202 });
      }),
    );

    const result = await api.post<{ request_id: string }>(
      '/backend/v1/client/configs/c1/update-limits',
      { total_gb: 100 },
      { query: { dry_run: false, skip: undefined } },
    );

    expect(result).toEqual({ request_id: 'req-1' });
    expect(seen).toEqual({
      url: 'http://localhost/api/backend/v1/client/configs/c1/update-limits?dry_run=false',
      method: 'POST',
      headers: {
        authorization: `Bearer ${pair.access_token}`,
        accept: 'application/json',
        contentType: 'application/json',
        acceptLanguage: 'ru',
      },
      body: { total_gb: 100 },
    });
  });

  it('auth: false sends no token even when one is stored', async () => {
    tokenStore.setTokens(makeTokenPair());
    let authorization: string | null = 'unset';
    server.use(
      http.post('*/api/auth/v1/login', ({ request }) => {
        authorization = request.headers.get('Authorization');
        return HttpResponse.json(makeTokenPair('2'));
      }),
    );
    await api.post('/auth/v1/login', { login: 'a', password: 'b' }, { auth: false });
    expect(authorization).toBeNull();
  });

  it('resolves undefined for 204', async () => {
    server.use(http.post('*/api/auth/v1/logout', () => new HttpResponse(null, { status: 204 })));
    await expect(api.post('/auth/v1/logout', undefined, { auth: false })).resolves.toBeUndefined();
  });

  it('rejects with ApiError carrying code, status, message, details', async () => {
    server.use(
      http.get('*/api/admin/v1/users/:id', () => errorResponse(404, 'not_found', 'User not found', { id: 'u1' })),
    );
    const error = await api.get('/admin/v1/users/u1', { auth: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not_found', status: 404, message: 'User not found', details: { id: 'u1' } });
  });

  it('reports a failed connection as network_error (status 0)', async () => {
    server.use(http.get('*/api/app/v1/health', () => HttpResponse.error()));
    const error = await api.get('/app/v1/health', { auth: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network_error', status: 0 });
  });
});
