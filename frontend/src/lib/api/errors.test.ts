import { describe, expect, it } from 'vitest';

import { ApiError, apiErrorFromResponse, parseFieldErrors, parseRetryAfter } from './errors';

function envelope(status: number, error: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

describe('apiErrorFromResponse', () => {
  it('turns the envelope into a typed ApiError', async () => {
    const error = await apiErrorFromResponse(
      envelope(409, { code: 'conflict', message: 'A renewal request is already open', details: { request_id: 'r-1' } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'conflict',
      status: 409,
      message: 'A renewal request is already open',
      details: { request_id: 'r-1' },
      fieldErrors: {},
      requestId: 'r-1',
    });
  });

  it('maps validation_error details to fields', async () => {
    const error = await apiErrorFromResponse(
      envelope(422, {
        code: 'validation_error',
        message: 'The request is not valid',
        details: [
          { loc: ['body', 'login'], msg: 'Value error, login must start with a letter', type: 'value_error' },
          { loc: ['body', 'login'], msg: 'second message is ignored', type: 'x' },
          { loc: ['body', 'profile', 'email'], msg: 'not an email', type: 'value_error' },
        ],
      }),
    );
    expect(error.fieldErrors).toEqual({ login: 'login must start with a letter', 'profile.email': 'not an email' });
  });

  it('reads Retry-After for rate_limited and X-Request-ID', async () => {
    const error = await apiErrorFromResponse(
      envelope(429, { code: 'rate_limited', message: 'Too many requests' }, { 'Retry-After': '17', 'X-Request-ID': 'abc' }),
    );
    expect(error.retryAfter).toBe(17);
    expect(error.requestId).toBe('abc');
  });

  it('does not choke on a non-envelope body (proxy HTML page)', async () => {
    const error = await apiErrorFromResponse(
      new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    expect(error).toMatchObject({ code: 'unexpected_response', status: 502, message: 'HTTP 502 Bad Gateway' });
  });
});

describe('parseFieldErrors', () => {
  it('accepts the other likely detail shapes', () => {
    expect(parseFieldErrors([{ field: 'password', message: 'too short' }])).toEqual({ password: 'too short' });
    expect(parseFieldErrors({ fields: { login: ['taken', 'x'] } })).toEqual({ login: 'taken' });
    expect(parseFieldErrors({ email: 'bad' })).toEqual({ email: 'bad' });
    expect(parseFieldErrors(null)).toEqual({});
    expect(parseFieldErrors('text')).toEqual({});
  });
});

describe('parseRetryAfter', () => {
  it('parses seconds and HTTP dates', () => {
    expect(parseRetryAfter('5')).toBe(5);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
  });
});
