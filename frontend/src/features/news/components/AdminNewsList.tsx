import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Badge } from '@/components/ui/Badge';
import { Card } from '@/components/ui/Card';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, Loading, QueryError } from '@/components/ui/QueryState';
import { formatDateTime, pickLocalized } from '@/lib/format';

import { useAdminNewsList } from '../api/news-api';
import styles from './News.module.css';

/** All news for the editor: drafts and published, newest first. */
export function AdminNewsList({
  page,
  published,
  onPageChange,
  editHref,
}: {
  page: number;
  /** undefined = all */
  published: boolean | undefined;
  onPageChange: (page: number) => void;
  editHref: (id: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const query = useAdminNewsList({ page, is_published: published });
  if (query.isPending) return <Loading />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  const { items } = query.data;
  if (items.length === 0) return <EmptyState>{t('newsAdmin.empty')}</EmptyState>;
  return (
    <>
      {items.map((news) => (
        <Card key={news.id}>
          <div className={styles.item}>
            <div className={styles.itemHead}>
              <h2 className={styles.itemTitle}>
                <Link to={editHref(news.id)}>{pickLocalized(news.title, i18n.language) || t('newsAdmin.untitled')}</Link>
              </h2>
              <Badge tone={news.is_published ? 'success' : 'neutral'}>
                {news.is_published ? t('newsAdmin.published') : t('newsAdmin.draft')}
              </Badge>
            </div>
            <p className={styles.muted}>
              {news.published_at
                ? t('newsAdmin.publishedAt', { date: formatDateTime(news.published_at) })
                : t('newsAdmin.updatedAt', { date: formatDateTime(news.updated_at) })}
              {' · '}
              {[news.title.ru ? 'RU' : null, news.title.en ? 'EN' : null].filter(Boolean).join(' + ')}
            </p>
          </div>
        </Card>
      ))}
      <Pagination page={query.data.page} pages={query.data.pages} total={query.data.total} onPageChange={onPageChange} />
    </>
  );
}
