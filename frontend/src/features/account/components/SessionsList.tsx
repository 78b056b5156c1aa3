import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { Loading, QueryError } from '@/components/ui/QueryState';
import { formatDateTime } from '@/lib/format';
import { errorMessage } from '@/lib/i18n/error-message';

import { useEndOtherSessions, useEndSession, useMySessions } from '../api/account-api';
import styles from './Account.module.css';

/** Devices the user is signed in on; end one, or all but this one. */
export function SessionsList() {
  const { t } = useTranslation();
  const query = useMySessions();
  const endOne = useEndSession();
  const endOthers = useEndOtherSessions();
  const [confirmAll, setConfirmAll] = useState(false);

  if (query.isPending) return <Loading />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  const sessions = query.data;
  const others = sessions.filter((session) => !session.current);
  const failed = endOne.error ?? endOthers.error;

  return (
    <>
      {failed ? <Alert tone="error">{errorMessage(failed, t)}</Alert> : null}
      <ul className={styles.list} aria-label={t('account.sessions.title')}>
        {sessions.map((session) => (
          <li key={session.id} className={styles.item}>
            <div className={styles.itemMain}>
              <span className={styles.itemTitle}>
                {session.device ?? session.user_agent ?? t('account.sessions.unknownDevice')}
                {session.current ? <Badge tone="success">{t('account.sessions.current')}</Badge> : null}
              </span>
              <span className={styles.muted}>
                {t('account.sessions.meta', {
                  ip: session.ip ?? '—',
                  last: formatDateTime(session.last_activity_at),
                })}
              </span>
            </div>
            {session.current ? null : (
              <Button
                variant="secondary"
                size="sm"
                loading={endOne.isPending && endOne.variables === session.id}
                onClick={() => endOne.mutate(session.id)}
              >
                {t('account.sessions.end')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {others.length > 0 ? (
        <div>
          <Button variant="secondary" loading={endOthers.isPending} onClick={() => setConfirmAll(true)}>
            {t('account.sessions.endOthers')}
          </Button>
        </div>
      ) : (
        <p className={styles.muted}>{t('account.sessions.onlyThis')}</p>
      )}
      <ConfirmDialog
        open={confirmAll}
        onOpenChange={setConfirmAll}
        title={t('account.sessions.endOthersTitle')}
        description={t('account.sessions.endOthersText', { count: others.length })}
        confirmLabel={t('account.sessions.endOthers')}
        destructive
        onConfirm={() => endOthers.mutate()}
      />
    </>
  );
}
