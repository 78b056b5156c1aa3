/**
 * The API client typed by the generated OpenAPI schema (`schema.d.ts`, `npm run gen:api`).
 *
 * `apiClient.get('/api/backend/v1/client/configs/by-type/{config_type}', { path: { config_type } })`
 * checks the path, its path/query parameters, the JSON body and the success response type
 * against the back end's OpenAPI at compile time. At run time it is `apiRequest` (client.ts):
 * the same token handling, refresh-on-401 and `ApiError` envelope parsing as every other call.
 * No runtime code is generated; a changed schema shows up as type errors at the call sites.
 */
import { apiRequest } from './client';
import type { QueryValue } from './http';
import type { paths } from './schema';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Paths that have an operation for `M` (absent methods are `?: never` in the schema). */
export type PathsWith<M extends HttpMethod> = {
  [P in keyof paths]: paths[P] extends Record<M, infer O> ? (O extends object ? P : never) : never;
}[keyof paths];

export type Operation<P extends keyof paths, M extends HttpMethod> = paths[P] extends Record<M, infer O> ? O : never;

type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;

/** The JSON body of the operation's 2xx answer (`undefined` for 204). */
export type SuccessBody<O> = O extends { responses: infer R }
  ? JsonContent<R[Extract<keyof R, 200 | 201 | 202 | 204>]>
  : never;

type PathArgs<O> = O extends { parameters: { path: infer P } } ? { path: P } : { path?: never };
type QueryArgs<O> = O extends { parameters: { query?: infer Q } }
  ? [Q] extends [never] | [undefined]
    ? { query?: never }
    : { query?: Q }
  : { query?: never };
type BodyArgs<O> = O extends { requestBody: { content: { 'application/json': infer B } } }
  ? { body: B }
  : O extends { requestBody?: { content: { 'application/json': infer B } } }
    ? { body?: B }
    : { body?: never };

export type RequestArgs<O> = PathArgs<O> &
  QueryArgs<O> &
  BodyArgs<O> & {
    signal?: AbortSignal;
    /** `false` for calls that must not send or refresh a token. */
    auth?: boolean;
  };

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** The args parameter is optional when the operation needs no path params nor body. */
type ArgsTuple<O> = [RequiredKeys<RequestArgs<O>>] extends [never] ? [args?: RequestArgs<O>] : [args: RequestArgs<O>];

const API_PREFIX = '/api';

/** `/api/x/{id}` + `{id: 'a b'}` → `/x/a%20b` (the fetch client adds `/api` back). */
export function resolvePath(path: string, params?: Record<string, string | number>): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`Missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(String(value));
  });
  return filled.startsWith(`${API_PREFIX}/`) ? filled.slice(API_PREFIX.length) : filled;
}

interface LooseArgs {
  path?: Record<string, string | number>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  auth?: boolean;
}

function call<M extends HttpMethod>(method: M) {
  return <P extends PathsWith<M>>(
    path: P,
    ...[args]: ArgsTuple<Operation<P, M>>
  ): Promise<SuccessBody<Operation<P, M>>> => {
    const loose = (args ?? {}) as LooseArgs;
    return apiRequest<SuccessBody<Operation<P, M>>>(resolvePath(path, loose.path), {
      method: method.toUpperCase() as Uppercase<M>,
      ...(loose.query ? { query: loose.query } : {}),
      ...(loose.body !== undefined ? { body: loose.body } : {}),
      ...(loose.signal ? { signal: loose.signal } : {}),
      ...(loose.auth !== undefined ? { auth: loose.auth } : {}),
    });
  };
}

export const apiClient = {
  get: call('get'),
  post: call('post'),
  put: call('put'),
  patch: call('patch'),
  delete: call('delete'),
};
