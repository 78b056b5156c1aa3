/** The one place that knows where the API lives and how a request is put on the wire. */

export const API_PREFIX = '/api';

export type QueryValue = string | number | boolean | null | undefined;

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  // Absolute URL so the same code runs in the browser and in jsdom/Node tests.
  const url = new URL(`${API_PREFIX}${path}`, window.location.origin);
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
  }
  return url.toString();
}

/**
 * Headers on every call. `Accept-Language` follows `<html lang>` (kept in sync with the UI
 * language by `lib/i18n`), so the back end may localise `error.message` if it wants to.
 */
export function baseHeaders(token: string | null, hasJsonBody: boolean): Headers {
  const headers = new Headers({ Accept: 'application/json' });
  const lang = document.documentElement.lang;
  if (lang) headers.set('Accept-Language', lang);
  if (hasJsonBody) headers.set('Content-Type', 'application/json');
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return headers;
}

export async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get('Content-Type') ?? '';
  return type.includes('json') ? (JSON.parse(text) as unknown) : text;
}
