import type { ApiErrorCode, ErrorEnvelope } from './types';

/** Field name → first message. Keys are the request body's field paths (`login`,
 *  `profile.email`), so a form whose inputs are named after the body maps them 1:1. */
export type FieldErrors = Record<string, string>;

/**
 * Every failed API call rejects with this. `code` is the stable envelope code the UI
 * branches on; `message` is the server's human text (shown when the UI has nothing better).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode | (string & {});
  /** HTTP status; 0 when there was no HTTP answer at all. */
  readonly status: number;
  readonly details: unknown;
  /**
   * Per-field messages: for `validation_error` parsed from `details`; for any other error
   * whose `details.field` names a field (e.g. 403 "current password is wrong"), that field
   * gets `message`. Empty otherwise.
   */
  readonly fieldErrors: FieldErrors;
  /** Seconds from `Retry-After` (for `rate_limited`), when the server sent it. */
  readonly retryAfter: number | null;
  /** `X-Request-ID` header or `details.request_id`: what to quote to an admin on a 500. */
  readonly requestId: string | null;

  constructor(init: {
    code: string;
    status: number;
    message: string;
    details?: unknown;
    retryAfter?: number | null;
    requestId?: string | null;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.details = init.details ?? null;
    this.fieldErrors =
      init.code === 'validation_error'
        ? parseFieldErrors(init.details)
        : singleFieldError(init.details, init.message);
    this.retryAfter = init.retryAfter ?? null;
    this.requestId = init.requestId ?? readRequestId(init.details);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const { error } = body;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** Builds the ApiError for a non-2xx response. Never throws. */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  const requestId = response.headers.get('X-Request-ID');
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: a proxy error page, an empty body...
  }
  if (isErrorEnvelope(body)) {
    return new ApiError({
      code: body.error.code,
      status: response.status,
      message: body.error.message,
      details: body.error.details,
      retryAfter,
      requestId,
    });
  }
  return new ApiError({
    code: 'unexpected_response',
    status: response.status,
    message: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    details: body,
    retryAfter,
    requestId,
  });
}

export function networkError(cause: unknown): ApiError {
  return new ApiError({
    code: 'network_error',
    status: 0,
    message: cause instanceof Error ? cause.message : 'Network error',
    cause,
  });
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const LOCATION_ROOTS = new Set(['body', 'query', 'path', 'header', 'cookie']);

/**
 * Field errors from `validation_error` details. The envelope does not fix the shape of
 * `details`, so accept the likely ones:
 *  - FastAPI/pydantic list: `[{loc: ["body", "login"], msg: "...", type: "..."}]`
 *  - `[{field: "login", message: "..."}]`
 *  - `{fields: {login: "..." | ["..."]}}` or a bare `{login: "..." | ["..."]}`
 * The first message per field wins. Pydantic's "Value error, " prefix is dropped.
 */
export function parseFieldErrors(details: unknown): FieldErrors {
  const result: FieldErrors = {};
  const add = (field: string, message: unknown) => {
    const text = Array.isArray(message) ? (message as unknown[])[0] : message;
    if (!field || typeof text !== 'string' || field in result) return;
    result[field] = text.replace(/^Value error, /, '');
  };

  if (Array.isArray(details)) {
    for (const item of details as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const entry = item as { loc?: unknown; field?: unknown; msg?: unknown; message?: unknown };
      const message = entry.msg ?? entry.message;
      if (Array.isArray(entry.loc)) {
        const path = (entry.loc as unknown[]).filter(
          (part, index) => !(index === 0 && typeof part === 'string' && LOCATION_ROOTS.has(part)),
        );
        add(path.map(String).join('.'), message);
      } else if (typeof entry.field === 'string') {
        add(entry.field, message);
      }
    }
    return result;
  }

  if (typeof details === 'object' && details !== null) {
    const source =
      'fields' in details && typeof details.fields === 'object' && details.fields !== null
        ? (details.fields as Record<string, unknown>)
        : (details as Record<string, unknown>);
    for (const [field, message] of Object.entries(source)) add(field, message);
  }
  return result;
}

function singleFieldError(details: unknown, message: string): FieldErrors {
  if (typeof details === 'object' && details !== null && 'field' in details) {
    const { field } = details;
    if (typeof field === 'string' && field) return { [field]: message };
  }
  return {};
}

function readRequestId(details: unknown): string | null {
  if (typeof details === 'object' && details !== null && 'request_id' in details) {
    const value = details.request_id;
    return typeof value === 'string' ? value : null;
  }
  return null;
}
