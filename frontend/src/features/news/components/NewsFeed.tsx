import { useTranslation } from 'react-i18next';

import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { EmptyState, Loading, QueryError } from '@/components/ui/QueryState';
import { VerificationRequired } from '@/features/auth/components/VerificationRequired';
import { hasMinRole } from '@/features/auth/roles';
import { useCurrentUser } from '@/features/auth/stores/session-store';
import { isApiError } from '@/lib/api/errors';
import { formatDate } from '@/lib/format';

import { useNewsFeed } from '../api/news-api';
import styles from './News.module.css';

/** Published news in the reader's language, newest first, "show more" paging. */
export function NewsFeed() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const allowed = user !== null && (user.status === 'verified' || hasMinRole(user.role, 'admin'));
  const feed = useNewsFeed(allowed);

  if (!allowed) return <VerificationRequired />;
  if (feed.isPending) return <Loading />;
  if (feed.isError) {
    if (isApiError(feed.error) && feed.error.code === 'user_not_verified') return <VerificationRequired />;
    return <QueryError error={feed.error} onRetry={() => void feed.refetch()} />;
  }
  const items = feed.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <EmptyState>{t('news.empty')}</EmptyState>;

  return (
    <div className={styles.feed}>
      {items.map((item) => (
        <Card key={item.id} aria-labelledby={`news-${item.id}`}>
          <article className={styles.article}>
            <time className={styles.date} dateTime={item.published_at}>
              {formatDate(item.published_at)}
            </time>
            <h2 id={`news-${item.id}`} className={styles.title}>
              {item.title}
            </h2>
            <p className={styles.content}>{item.content}</p>
          </article>
        </Card>
      ))}
      {feed.hasNextPage ? (
        <Button variant="secondary" loading={feed.isFetchingNextPage} onClick={() => void feed.fetchNextPage()}>
          {t('news.more')}
        </Button>
      ) : null}
    </div>
  );
}
