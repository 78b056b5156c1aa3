import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, Loading, QueryError } from '@/components/ui/QueryState';
import { SelectField } from '@/components/ui/SelectField';
import { paths } from '@/config/paths';
import { parseBoolean, useSearchFilters } from '@/hooks/use-search-filters';
import { formatDateTime } from '@/lib/format';
import { errorMessage } from '@/lib/i18n/error-message';

import { PAGE_SIZE, useAdminSessions, useRevokeSession, useSessionsCleanup } from '../api/admin-api';
import styles from './admin.module.css';

const FILTERS = ['active', 'user'] as const;

/** Sessions of every user: revoke one, or clean up the ended ones. */
export function AdminSessions() {
  const { t } = useTranslation();
  const { values, page, set } = useSearchFilters(FILTERS, { active: 'true' });
  const query = useAdminSessions({ page, limit: PAGE_SIZE, active: parseBoolean(values.active) ?? null, user_id: values.user || null });
  const revoke = useRevokeSession();
  const cleanup = useSessionsCleanup();
  const [confirmCleanup, setConfirmCleanup] = useState(false);
  const failed = revoke.error ?? cleanup.error;

  return (
    <div className={styles.stack}>
      <div className={styles.toolbar}>
        <div style={{ minWidth: 180 }}>
          <SelectField
            label={t('admin.filters.state')}
            value={values.active}
            onChange={(event) => set({ active: event.target.value })}
            options={[
              { value: 'true', label: t('admin.sessions.active') },
              { value: 'false', label: t('admin.sessions.ended') },
              { value: '', label: t('admin.filters.all') },
            ]}
          />
        </div>
        <Button variant="secondary" loading={cleanup.isPending} onClick={() => setConfirmCleanup(true)}>
          {t('admin.sessions.cleanup')}
        </Button>
      </div>
      {values.user ? (
        <Alert tone="info">
          {t('admin.sessions.oneUser')}{' '}
          <Button variant="ghost" size="sm" onClick={() => set({ user: '' })}>
            {t('admin.filters.clear')}
          </Button>
        </Alert>
      ) : null}
      {cleanup.isSuccess ? <Alert tone="success">{t('admin.cleanupDone', { count: cleanup.data.deleted })}</Alert> : null}
      {failed ? <Alert tone="error">{errorMessage(failed, t)}</Alert> : null}
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <QueryError error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.items.length === 0 ? (
        <EmptyState>{t('admin.empty')}</EmptyState>
      ) : (
        <>
          <Card>
            <ul className={styles.plain} aria-label={t('admin.sections.sessions.title')}>
              {query.data.items.map((session) => (
                <li key={session.id} className={styles.row}>
                  <div className={styles.rowMain}>
                    <span className={styles.title}>
                      <Link to={paths.adminUser.getHref(session.user_id)}>{session.user_login}</Link>
                      <span className={styles.muted}>{session.device ?? session.user_agent ?? t('account.sessions.unknownDevice')}</span>
                    </span>
                    <span className={styles.muted}>
                      {t('account.sessions.meta', { ip: session.ip ?? '—', last: formatDateTime(session.last_activity_at) })}
                      {session.revoked_at
                        ? ` · ${t('admin.sessions.revokedAt', { date: formatDateTime(session.revoked_at), reason: session.revoke_reason ?? '—' })}`
                        : ''}
                    </span>
                  </div>
                  {session.active ? (
                    <Button
                      variant="secondary"
                      size="sm"
                      loading={revoke.isPending && revoke.variables === session.id}
                      onClick={() => revoke.mutate(session.id)}
                    >
                      {t('admin.sessions.revoke')}
                    </Button>
                  ) : (
                    <Badge>{t('admin.sessions.ended')}</Badge>
                  )}
                </li>
              ))}
            </ul>
          </Card>
          <Pagination page={query.data.page} pages={query.data.pages} total={query.data.total} onPageChange={(next) => set({ page: next })} />
        </>
      )}
      <ConfirmDialog
        open={confirmCleanup}
        onOpenChange={setConfirmCleanup}
        title={t('admin.sessions.cleanup')}
        description={t('admin.sessions.cleanupText')}
        confirmLabel={t('admin.sessions.cleanup')}
        onConfirm={() => cleanup.mutate()}
      />
    </div>
  );
}
