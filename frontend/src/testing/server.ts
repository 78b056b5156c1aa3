import { setupServer } from 'msw/node';

/**
 * The fake network: msw intercepts `fetch` at the boundary, so the real client code (headers,
 * bodies, envelope parsing, retries) runs unchanged. Tests add handlers per case with
 * `server.use(...)`; any request without a handler fails the test (`onUnhandledRequest`).
 */
export const server = setupServer();
