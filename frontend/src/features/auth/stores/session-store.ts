import { create } from 'zustand';

import type { Me } from '@/lib/api/types';

/**
 * - `unknown`: start-up, the stored session / Telegram login is being checked
 * - `authenticated`: `user` is set
 * - `anonymous`: no session (`endReason` says why, if it just ended)
 * - `error`: a stored session exists but could not be checked (offline, 5xx); retryable
 */
export type SessionStatus = 'unknown' | 'authenticated' | 'anonymous' | 'error';

/** `logout`: the user (or another tab) logged out; `expired`: the server ended the session. */
export type SessionEndReason = 'logout' | 'expired';

export interface SessionState {
  status: SessionStatus;
  user: Me | null;
  endReason: SessionEndReason | null;
  /** Telegram Mini App auto-login state, for the login page to explain itself. */
  telegramLogin: 'idle' | 'pending' | 'failed';
  setUser: (user: Me) => void;
  setAnonymous: (reason?: SessionEndReason | null) => void;
  setStatus: (status: SessionStatus) => void;
  setTelegramLogin: (state: SessionState['telegramLogin']) => void;
}

export const initialSessionState = {
  status: 'unknown',
  user: null,
  endReason: null,
  telegramLogin: 'idle',
} satisfies Partial<SessionState>;

export const useSessionStore = create<SessionState>()((set) => ({
  ...initialSessionState,
  setUser: (user) => set({ status: 'authenticated', user, endReason: null }),
  setAnonymous: (reason = null) => set({ status: 'anonymous', user: null, endReason: reason }),
  setStatus: (status) => set({ status }),
  setTelegramLogin: (telegramLogin) => set({ telegramLogin }),
}));

/** The logged-in user or null. */
export const useCurrentUser = () => useSessionStore((state) => state.user);
