import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '@/lib/i18n/error-message';

import { Alert } from './Alert';
import { Button } from './Button';
import { PageLoader } from './Spinner';

/** Loading / failed / empty states of a query, in one place. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert tone="error">
      <p>{errorMessage(error, t)}</p>
      {onRetry ? (
        <Button variant="secondary" size="sm" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      ) : null}
    </Alert>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return <PageLoader label={label ?? t('common.loading')} />;
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <p role="status" style={{ margin: 0, padding: '24px 8px', textAlign: 'center', color: 'var(--rp-hint)' }}>
      {children}
    </p>
  );
}
