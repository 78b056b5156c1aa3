/**
 * Typed fetch client for `/api`. Every failure rejects with `ApiError` (see errors.ts).
 *
 * Authenticated calls (the default) carry `Authorization: Bearer <access>`; a 401 triggers one
 * refresh (shared with every other caller, see refresh.ts) and one retry.
 */
import { apiErrorFromResponse, networkError, type ApiError } from './errors';
import { baseHeaders, buildUrl, readBody, type QueryValue } from './http';
import { getTokenAfterUnauthorized, getValidAccessToken } from './refresh';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Serialised as JSON. */
  body?: unknown;
  query?: Record<string, QueryValue>;
  /** `false` for calls that must not send or refresh a token (login, register, refresh). */
  auth?: boolean;
  signal?: AbortSignal;
}

async function send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
  const hasBody = options.body !== undefined;
  try {
    return await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers: baseHeaders(token, hasBody),
      body: hasBody ? JSON.stringify(options.body) : null,
      signal: options.signal ?? null,
      credentials: 'same-origin',
    });
  } catch (cause) {
    if (options.signal?.aborted) throw cause; // let TanStack Query see its own AbortError
    throw networkError(cause);
  }
}

/**
 * Sends a request to `/api<path>` and resolves with the parsed JSON body (undefined for 204).
 * The type parameter is trusted, not checked: it comes from `types.ts` / the OpenAPI schema.
 * @throws ApiError
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const auth = options.auth ?? true;
  const token = auth ? await getValidAccessToken() : null;
  let response = await send(path, options, token);

  if (auth && response.status === 401) {
    const unauthorized: ApiError = await apiErrorFromResponse(response);
    let retryToken: string | null;
    try {
      retryToken = await getTokenAfterUnauthorized(token);
    } catch (refreshError) {
      // The refresh was rejected (session over) → the caller sees the original 401;
      // a network failure during refresh is reported as such.
      throw (refreshError as ApiError).status === 0 ? refreshError : unauthorized;
    }
    if (retryToken === null) throw unauthorized;
    response = await send(path, options, retryToken);
  }

  if (!response.ok) throw await apiErrorFromResponse(response);
  return (await readBody(response)) as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'POST', body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PATCH', body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PUT', body }),
  delete: <T = void>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'DELETE' }),
};
