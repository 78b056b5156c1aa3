import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';

import { Button } from '@/components/ui/Button';
import { Loading, QueryError } from '@/components/ui/QueryState';
import { SelectField } from '@/components/ui/SelectField';
import { paths } from '@/config/paths';
import { AdminNewsList } from '@/features/news/components/AdminNewsList';
import { NewsEditor } from '@/features/news/components/NewsEditor';
import { useAdminNewsItem } from '@/features/news/api/news-api';
import { parseBoolean, useSearchFilters } from '@/hooks/use-search-filters';

import { AdminPage } from './page';
import styles from './admin.module.css';

const FILTERS = ['published'] as const;

export function AdminNewsRoute() {
  const { t } = useTranslation();
  const { values, page, set } = useSearchFilters(FILTERS);
  return (
    <AdminPage
      section="news"
      actions={
        <Button asChild>
          <Link to={paths.adminNewsNew.getHref()}>{t('newsAdmin.new')}</Link>
        </Button>
      }
    >
      <div className={styles.filterRow}>
        <SelectField
          label={t('admin.filters.state')}
          value={values.published}
          onChange={(event) => set({ published: event.target.value })}
          options={[
            { value: '', label: t('admin.filters.all') },
            { value: 'true', label: t('newsAdmin.published') },
            { value: 'false', label: t('newsAdmin.draft') },
          ]}
        />
      </div>
      <AdminNewsList
        page={page}
        published={parseBoolean(values.published)}
        onPageChange={(next) => set({ page: next })}
        editHref={paths.adminNewsItem.getHref}
      />
    </AdminPage>
  );
}

export function AdminNewsNewRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <AdminPage section="news" title={t('newsAdmin.new')} back={{ to: paths.admin.getHref('news'), label: t('admin.sections.news.title') }}>
      <NewsEditor onSaved={(news) => void navigate(paths.adminNewsItem.getHref(news.id), { replace: true })} />
    </AdminPage>
  );
}

export function AdminNewsEditRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { newsId } = useParams();
  const query = useAdminNewsItem(newsId);
  return (
    <AdminPage section="news" title={t('newsAdmin.edit')} back={{ to: paths.admin.getHref('news'), label: t('admin.sections.news.title') }}>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <QueryError error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <NewsEditor
          key={`${query.data.id}:${query.data.updated_at}`}
          news={query.data}
          onSaved={() => undefined}
          onDeleted={() => void navigate(paths.admin.getHref('news'), { replace: true })}
        />
      )}
    </AdminPage>
  );
}
