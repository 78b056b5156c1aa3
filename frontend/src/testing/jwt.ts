function base64url(value: string): string {
  return btoa(value).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

let counter = 0;

/**
 * An unsigned JWT-shaped token (the client never verifies signatures, it only reads `exp`).
 * `expiresInSec` from now, issued `issuedSecAgo` ago; every call yields a distinct token.
 */
export function makeJwt({ expiresInSec = 900, issuedSecAgo = 0, sub = 'user-1', role = 'user' } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  counter += 1;
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ sub, role, sid: 'session-1', iat: now - issuedSecAgo, exp: now + expiresInSec, jti: `jti-${counter}` }),
  );
  return `${header}.${payload}.signature`;
}
