import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, Loading, QueryError } from '@/components/ui/QueryState';
import { formatDateTime, pickLocalized } from '@/lib/format';
import { errorMessage } from '@/lib/i18n/error-message';

import { useMarkNotificationRead, useMyNotifications } from '../api/account-api';
import styles from './Account.module.css';

/** The user's notifications (in-app copies of what the notifier sent), newest first. */
export function NotificationsList() {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(1);
  const query = useMyNotifications(page);
  const markRead = useMarkNotificationRead();

  if (query.isPending) return <Loading />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  const { items } = query.data;
  if (items.length === 0) return <EmptyState>{t('account.notifications.empty')}</EmptyState>;

  return (
    <>
      {markRead.isError ? <Alert tone="error">{errorMessage(markRead.error, t)}</Alert> : null}
      <ul className={styles.list} aria-label={t('account.notifications.title')}>
        {items.map((item) => {
          const unread = item.read_at === null;
          return (
            <li key={item.id} className={`${styles.item} ${unread ? styles.unread : ''}`} data-unread={unread || undefined}>
              <div className={styles.itemMain}>
                <span className={styles.itemTitle}>
                  {pickLocalized(item.title, i18n.language)}
                  {unread ? <span className="visually-hidden">{t('account.notifications.unread')}</span> : null}
                </span>
                <p className={styles.body}>{pickLocalized(item.content, i18n.language)}</p>
                <span className={styles.muted}>{formatDateTime(item.created_at)}</span>
              </div>
              {unread ? (
                <Button
                  variant="secondary"
                  size="sm"
                  loading={markRead.isPending && markRead.variables === item.id}
                  onClick={() => markRead.mutate(item.id)}
                >
                  {t('account.notifications.markRead')}
                </Button>
              ) : null}
            </li>
          );
        })}
      </ul>
      <Pagination page={query.data.page} pages={query.data.pages} total={query.data.total} onPageChange={setPage} />
    </>
  );
}
