import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Badge } from '@/components/ui/Badge';
import { Card } from '@/components/ui/Card';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, Loading, QueryError } from '@/components/ui/QueryState';
import { SelectField } from '@/components/ui/SelectField';
import { TextField } from '@/components/ui/TextField';
import { paths } from '@/config/paths';
import { useDebouncedFilter, useSearchFilters } from '@/hooks/use-search-filters';
import type { ConfigStatus, ConfigType } from '@/lib/api/types';
import { formatBytes, formatDate, gibToBytes } from '@/lib/format';

import { PAGE_SIZE, useAdminConfigs } from '../api/admin-api';
import { FilterPanel } from './FilterPanel';
import { CONFIG_STATUS_TONE, CONFIG_STATUSES } from './labels';
import styles from './admin.module.css';

const FILTERS = ['login', 'type', 'status', 'sort'] as const;
const SORTS = ['-created_at', 'valid_to', '-valid_to', '-used_bytes'] as const;

/** Every config, with filters (login, type, status) and sorting, kept in the URL. */
export function AdminConfigList() {
  const { t } = useTranslation();
  const { values, page, set } = useSearchFilters(FILTERS);
  const [login, setLogin] = useDebouncedFilter('login', values.login, set);

  const query = useAdminConfigs({
    page,
    limit: PAGE_SIZE,
    login: values.login || null,
    type: (values.type || null) as ConfigType | null,
    status: (values.status || null) as ConfigStatus | null,
    sort: values.sort || '-created_at',
  });

  return (
    <div className={styles.stack}>
      <TextField label={t('admin.configs.login')} type="search" value={login} onChange={(event) => setLogin(event.target.value)} />
      <FilterPanel active={[values.type, values.status, values.sort].filter(Boolean).length}>
        <SelectField
          label={t('admin.filters.type')}
          value={values.type}
          onChange={(event) => set({ type: event.target.value })}
          options={[
            { value: '', label: t('admin.filters.all') },
            { value: 'vless', label: 'VLESS' },
            { value: 'trojan', label: 'Trojan' },
          ]}
        />
        <SelectField
          label={t('admin.filters.status')}
          value={values.status}
          onChange={(event) => set({ status: event.target.value })}
          options={[
            { value: '', label: t('admin.filters.all') },
            ...CONFIG_STATUSES.map((status) => ({ value: status, label: t(`configs.status.${status}`) })),
          ]}
        />
        <SelectField
          label={t('admin.filters.sort')}
          value={values.sort || '-created_at'}
          onChange={(event) => set({ sort: event.target.value === '-created_at' ? '' : event.target.value })}
          options={SORTS.map((sort) => ({ value: sort, label: t(`admin.configs.sorts.${sort}`) }))}
        />
      </FilterPanel>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <QueryError error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.items.length === 0 ? (
        <EmptyState>{t('admin.empty')}</EmptyState>
      ) : (
        <>
          <Card>
            <ul className={styles.plain} aria-label={t('admin.sections.configs.title')}>
              {query.data.items.map((config) => (
                <li key={config.id} className={styles.row}>
                  <div className={styles.rowMain}>
                    <Link to={paths.adminConfig.getHref(config.id)} className={styles.title}>
                      {config.login} · {config.type.toUpperCase()}
                    </Link>
                    <span className={styles.muted}>
                      {t('admin.configs.until', { date: formatDate(config.valid_to) })} ·{' '}
                      {config.total_gb
                        ? t('configs.usedOf', { used: formatBytes(config.used_bytes), total: formatBytes(gibToBytes(config.total_gb)) })
                        : t('configs.usedUnlimited', { used: formatBytes(config.used_bytes) })}
                    </span>
                  </div>
                  <div className={styles.badges}>
                    <Badge tone={CONFIG_STATUS_TONE[config.status]}>{t(`configs.status.${config.status}`)}</Badge>
                    {config.pending_request ? <Badge tone="warning">{t('admin.configs.hasRequest')}</Badge> : null}
                  </div>
                </li>
              ))}
            </ul>
          </Card>
          <Pagination page={query.data.page} pages={query.data.pages} total={query.data.total} onPageChange={(next) => set({ page: next })} />
        </>
      )}
    </div>
  );
}
