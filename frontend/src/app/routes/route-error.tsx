import { useTranslation } from 'react-i18next';
import { isRouteErrorResponse, useRouteError } from 'react-router';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';

/**
 * Last-resort screen for render errors and failed lazy chunks (typically a new deploy while
 * the page was open: reloading fetches the new asset names).
 */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : null;
  return (
    <main style={{ padding: 16, maxWidth: 720, margin: '0 auto' }}>
      <Alert tone="error" title={t('errors.internal')}>
        {detail ? <p>{detail}</p> : null}
        <Button onClick={() => window.location.reload()}>{t('common.retry')}</Button>
      </Alert>
    </main>
  );
}
