import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { onSessionEnded } from '@/lib/api/refresh';
import { REFRESH_TOKEN_KEY, tokenStore } from '@/lib/api/token-store';

import { bootstrapSession, endSession } from '../session';
import { useSessionStore } from '../stores/session-store';

/**
 * Mount once at the app root (inside QueryClientProvider). Restores the session on start —
 * including the Telegram Mini App login via initData —, ends it when the server rejects the
 * refresh token, and follows logins/logouts made in other tabs.
 */
export function useSessionBootstrap(): void {
  const queryClient = useQueryClient();

  useEffect(() => onSessionEnded(() => endSession(queryClient, 'expired')), [queryClient]);

  useEffect(() => {
    void bootstrapSession();
  }, []);

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      // key === null: another tab called localStorage.clear()
      if (event.key !== REFRESH_TOKEN_KEY && event.key !== null) return;
      const { status } = useSessionStore.getState();
      if (!tokenStore.hasSession() && status === 'authenticated') {
        endSession(queryClient, 'logout');
      } else if (tokenStore.hasSession() && status === 'anonymous') {
        void bootstrapSession();
      }
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [queryClient]);
}
