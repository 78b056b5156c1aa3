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
import { useSearchFilters } from '@/hooks/use-search-filters';
import type { NotificationChannel, NotificationStatus } from '@/lib/api/types';
import { formatDateTime, pickLocalized } from '@/lib/format';
import { errorMessage } from '@/lib/i18n/error-message';

import { PAGE_SIZE, useAdminNotifications, useNotificationsCleanup, useResendNotification } from '../api/admin-api';
import { NOTIFICATION_CHANNELS, NOTIFICATION_STATUS_TONE, NOTIFICATION_STATUSES } from './labels';
import styles from './admin.module.css';

const FILTERS = ['status', 'channel'] as const;

/** The notifier's queue and history: what was sent, what failed and why; resend. */
export function AdminNotifications() {
  const { t, i18n } = useTranslation();
  const { values, page, set } = useSearchFilters(FILTERS);
  const query = useAdminNotifications({
    page,
    limit: PAGE_SIZE,
    status: (values.status || null) as NotificationStatus | null,
    channel: (values.channel || null) as NotificationChannel | null,
  });
  const resend = useResendNotification();
  const cleanup = useNotificationsCleanup();
  const [confirmCleanup, setConfirmCleanup] = useState(false);
  const failed = resend.error ?? cleanup.error;

  return (
    <div className={styles.stack}>
      <div className={styles.filters}>
        <SelectField
          label={t('admin.filters.status')}
          value={values.status}
          onChange={(event) => set({ status: event.target.value })}
          options={[
            { value: '', label: t('admin.filters.all') },
            ...NOTIFICATION_STATUSES.map((status) => ({ value: status, label: t(`admin.notificationStatus.${status}`) })),
          ]}
        />
        <SelectField
          label={t('admin.filters.channel')}
          value={values.channel}
          onChange={(event) => set({ channel: event.target.value })}
          options={[
            { value: '', label: t('admin.filters.all') },
            ...NOTIFICATION_CHANNELS.map((channel) => ({ value: channel, label: t(`admin.channels.${channel}`) })),
          ]}
        />
        <Button variant="secondary" loading={cleanup.isPending} onClick={() => setConfirmCleanup(true)}>
          {t('admin.notifications.cleanup')}
        </Button>
      </div>
      {cleanup.isSuccess ? <Alert tone="success">{t('admin.cleanupDone', { count: cleanup.data.deleted })}</Alert> : null}
      {resend.isSuccess ? <Alert tone="success">{t('admin.notifications.resent')}</Alert> : null}
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
            <ul className={styles.plain} aria-label={t('admin.sections.notifications.title')}>
              {query.data.items.map((item) => (
                <li key={item.id} className={styles.row}>
                  <div className={styles.rowMain}>
                    <span className={styles.title}>{pickLocalized(item.title, i18n.language) || item.kind}</span>
                    <span className={styles.muted}>
                      <Link to={paths.adminUser.getHref(item.user_id)}>{item.user_login}</Link> · {item.kind} ·{' '}
                      {item.channel ? t(`admin.channels.${item.channel}`) : '—'} · {formatDateTime(item.sent_at ?? item.created_at)}
                      {item.attempts ? ` · ${t('admin.notifications.attempts', { count: item.attempts })}` : ''}
                    </span>
                    {item.last_error ? <span className={styles.muted}>{t('admin.notifications.lastError', { error: item.last_error })}</span> : null}
                  </div>
                  <div className={styles.actions}>
                    <Badge tone={NOTIFICATION_STATUS_TONE[item.status]}>{t(`admin.notificationStatus.${item.status}`)}</Badge>
                    {item.status === 'pending' || item.status === 'sending' ? null : (
                      <Button
                        variant="secondary"
                        size="sm"
                        loading={resend.isPending && resend.variables === item.id}
                        onClick={() => resend.mutate(item.id)}
                      >
                        {t('admin.notifications.resend')}
                      </Button>
                    )}
                  </div>
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
        title={t('admin.notifications.cleanup')}
        description={t('admin.notifications.cleanupText')}
        confirmLabel={t('admin.notifications.cleanup')}
        onConfirm={() => cleanup.mutate()}
      />
    </div>
  );
}
