import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

import { readWidgetAuth, withoutWidgetAuth } from '@/lib/telegram/login-widget';

import { loginWithTelegramWidget } from '../api/auth-api';
import { signIn } from '../session';

/** Where to go after a widget login (the widget's redirect drops our own query). */
export const WIDGET_NEXT_KEY = 'rayport.tg_widget_next';

/**
 * On `/login`: when Telegram's Login Widget redirected back with signed fields, post them to
 * `/auth/v1/login/social/telegram`, sign in and drop the fields from the URL.
 * @returns the state of that login (`idle` when there was nothing to do)
 */
export function useTelegramWidgetLogin(): {
  state: 'idle' | 'pending' | 'failed';
  error: unknown;
  /** The page was reached through the widget (its `next` is in sessionStorage). */
  used: boolean;
} {
  const [params, setParams] = useSearchParams();
  const [state, setState] = useState<'idle' | 'pending' | 'failed'>(() => (readWidgetAuth(params) ? 'pending' : 'idle'));
  const [error, setError] = useState<unknown>(null);
  const [used] = useState(() => readWidgetAuth(params) !== null);
  const started = useRef(false);

  useEffect(() => {
    const body = readWidgetAuth(params);
    if (!body || started.current) return;
    started.current = true;
    setParams(withoutWidgetAuth(params), { replace: true });
    loginWithTelegramWidget(body)
      .then(signIn)
      .then(() => {
        setState('idle');
      })
      .catch((cause: unknown) => {
        setError(cause);
        setState('failed');
      });
  }, [params, setParams]);

  return { state, error, used };
}
