/**
 * Session lifecycle: sign in with a token pair, restore on start-up (stored refresh token or
 * Telegram initData), end locally. Token mechanics live in `@/lib/api/refresh`.
 */
import type { QueryClient } from '@tanstack/react-query';

import { clearTokens, scheduleProactiveRefresh, storeTokens } from '@/lib/api/refresh';
import { tokenStore } from '@/lib/api/token-store';
import type { Me, TokenPair } from '@/lib/api/types';
import { applyProfileLanguage } from '@/lib/i18n';
import { getTelegramInitData } from '@/lib/telegram/webapp';

import { getMe, loginWithTelegram } from './api/auth-api';
import { useSessionStore, type SessionEndReason } from './stores/session-store';

/** Stores the pair, loads the user and applies the profile's language. @throws ApiError */
export async function signIn(pair: TokenPair): Promise<Me> {
  storeTokens(pair);
  const me = await getMe();
  useSessionStore.getState().setUser(me);
  await applyProfileLanguage(me.profile.lang_code);
  return me;
}

/** Re-reads `/me` (after a profile or password change). @throws ApiError */
export async function reloadUser(): Promise<Me> {
  const me = await getMe();
  useSessionStore.getState().setUser(me);
  return me;
}

/**
 * Local end of the session: tokens, timers, every cached query, the store. Idempotent.
 * ProtectedRoute then sends the user to `/login` (with `?next=` unless they logged out).
 */
export function endSession(queryClient: QueryClient, reason: SessionEndReason): void {
  clearTokens();
  queryClient.clear();
  useSessionStore.getState().setAnonymous(reason);
}

async function restoreStoredSession(): Promise<'restored' | 'rejected' | 'failed'> {
  const store = useSessionStore.getState();
  const accessToken = tokenStore.getAccessToken();
  if (accessToken) scheduleProactiveRefresh(accessToken);
  try {
    const me = await getMe();
    store.setUser(me);
    await applyProfileLanguage(me.profile.lang_code);
    return 'restored';
  } catch {
    // A rejected refresh has already cleared the tokens (and notified onSessionEnded);
    // anything else (offline, 5xx) leaves the session in place to retry.
    return tokenStore.hasSession() ? 'failed' : 'rejected';
  }
}

/** Mini App: exchange the signed initData for a token pair. @returns true on success */
export async function signInWithTelegram(initData: string): Promise<boolean> {
  const store = useSessionStore.getState();
  store.setTelegramLogin('pending');
  try {
    await signIn(await loginWithTelegram(initData));
    store.setTelegramLogin('idle');
    return true;
  } catch {
    store.setTelegramLogin('failed');
    return false;
  }
}

async function runBootstrap(): Promise<void> {
  const store = useSessionStore.getState();
  if (tokenStore.hasSession()) {
    store.setStatus('unknown');
    const result = await restoreStoredSession();
    if (result === 'restored') return;
    if (result === 'failed') {
      store.setStatus('error');
      return;
    }
  }
  // No (longer a) stored session. Inside Telegram the signed initData logs the user in.
  // A stored session wins over initData: it may be an account the user chose deliberately.
  const initData = getTelegramInitData();
  if (initData) {
    store.setStatus('unknown');
    if (await signInWithTelegram(initData)) return;
  }
  const { status, endReason } = useSessionStore.getState();
  if (status !== 'anonymous') store.setAnonymous(endReason);
}

let bootstrapping: Promise<void> | null = null;

/**
 * Start-up: restore the stored session, else log in with Telegram initData, else anonymous.
 * Single flight (StrictMode runs effects twice; a login in another tab may call it again).
 */
export function bootstrapSession(): Promise<void> {
  bootstrapping ??= runBootstrap().finally(() => {
    bootstrapping = null;
  });
  return bootstrapping;
}
