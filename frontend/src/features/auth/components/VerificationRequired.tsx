import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { isApiError } from '@/lib/api/errors';
import { errorMessage } from '@/lib/i18n/error-message';

import { requestVerification } from '../api/auth-api';
import { reloadUser } from '../session';
import { useCurrentUser } from '../stores/session-store';

/** While waiting, `/me` is re-read this often (only when the page is visible). */
const PENDING_POLL_MS = 30_000;

/**
 * What an unverified user sees where configs and news would be: the request-verification
 * action (`POST /auth/v1/request-verification` → 202), then "waiting for an admin". While
 * waiting, `/me` is re-read now and then and on demand; once verified, the page's queries
 * run (they are enabled by the user's status).
 */
export function VerificationRequired() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const queryClient = useQueryClient();
  const pending = user?.status === 'verification_pending';

  const refresh = useMutation({
    mutationFn: reloadUser,
    onSuccess: (me) => {
      if (me.status === 'verified') void queryClient.invalidateQueries();
    },
  });
  const request = useMutation({
    mutationFn: requestVerification,
    // 409: already waiting (another tab or device asked) — the fresh /me shows it.
    onSettled: () => reloadUser(),
  });

  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reloadUser().catch(() => undefined);
    }, PENDING_POLL_MS);
    return () => {
      clearInterval(timer);
    };
  }, [pending]);

  const requestError = request.isError && !(isApiError(request.error) && request.error.code === 'conflict');

  return (
    <Card aria-labelledby="verification-title" data-testid="verification-state">
      <h2 id="verification-title">{pending ? t('verification.pendingTitle') : t('verification.title')}</h2>
      <p>{pending ? t('verification.pendingText') : t('verification.text')}</p>
      {requestError ? <Alert tone="error">{errorMessage(request.error, t)}</Alert> : null}
      {refresh.isError ? <Alert tone="error">{errorMessage(refresh.error, t)}</Alert> : null}
      {pending ? (
        <Button variant="secondary" loading={refresh.isPending} onClick={() => refresh.mutate()}>
          {t('verification.checkAgain')}
        </Button>
      ) : (
        <Button loading={request.isPending} onClick={() => request.mutate()}>
          {t('verification.request')}
        </Button>
      )}
    </Card>
  );
}
