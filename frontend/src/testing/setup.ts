import '@testing-library/jest-dom/vitest';

import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

import { initialSessionState, useSessionStore } from '@/features/auth/stores/session-store';
import { clearTokens } from '@/lib/api/refresh';
import { i18n, initI18n } from '@/lib/i18n';
import { resetLaunchParams } from '@/lib/telegram/webapp';

import { server } from './server';

initI18n('en');

// jsdom does not implement scrolling; React Router's <ScrollRestoration> calls it.
window.scrollTo = () => undefined;

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
});

beforeEach(async () => {
  await i18n.changeLanguage('en');
});

afterEach(() => {
  cleanup();
  server.resetHandlers();
  clearTokens();
  localStorage.clear();
  sessionStorage.clear();
  resetLaunchParams();
  delete window.Telegram;
  useSessionStore.setState({ ...initialSessionState });
  document.documentElement.removeAttribute('style');
  delete document.documentElement.dataset.colorScheme;
  delete document.documentElement.dataset.telegram;
});

afterAll(() => {
  server.close();
});
