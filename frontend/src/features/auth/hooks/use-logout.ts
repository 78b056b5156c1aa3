import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

import { tokenStore } from '@/lib/api/token-store';

import { logout } from '../api/auth-api';
import { endSession } from '../session';

/** Revokes the session server-side (best effort) and always ends it locally. */
export function useLogout(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    if (tokenStore.hasSession()) {
      try {
        await logout();
      } catch {
        // offline or already revoked: the local end below is what the user asked for
      }
    }
    endSession(queryClient, 'logout');
  }, [queryClient]);
}
