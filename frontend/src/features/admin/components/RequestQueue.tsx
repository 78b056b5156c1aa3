import { useTranslation } from 'react-i18next';

import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, Loading, QueryError } from '@/components/ui/QueryState';
import { SelectField } from '@/components/ui/SelectField';
import { useSearchFilters } from '@/hooks/use-search-filters';
import type { RequestKind, RequestStatus } from '@/lib/api/types';

import { PAGE_SIZE, useRequests } from '../api/admin-api';
import { REQUEST_KINDS, REQUEST_STATUSES } from './labels';
import { RequestCard } from './RequestCard';
import styles from './admin.module.css';

const FILTERS = ['status', 'kind'] as const;

/** The request queue: new requests by default, newest first; filters live in the URL. */
export function RequestQueue() {
  const { t } = useTranslation();
  const { values, page, set } = useSearchFilters(FILTERS, { status: 'new' });
  const query = useRequests({
    page,
    limit: PAGE_SIZE,
    status: values.status === 'all' ? null : ((values.status || null) as RequestStatus | null),
    kind: (values.kind || null) as RequestKind | null,
  });

  return (
    <div className={styles.stack}>
      <div className={styles.filters}>
        <SelectField
          label={t('admin.filters.status')}
          value={values.status}
          onChange={(event) => set({ status: event.target.value })}
          options={[
            ...REQUEST_STATUSES.map((status) => ({ value: status, label: t(`admin.requestStatus.${status}`) })),
            { value: 'all', label: t('admin.filters.all') },
          ]}
        />
        <SelectField
          label={t('admin.filters.kind')}
          value={values.kind}
          onChange={(event) => set({ kind: event.target.value })}
          options={[
            { value: '', label: t('admin.filters.all') },
            ...REQUEST_KINDS.map((kind) => ({ value: kind, label: t(`admin.requestKinds.${kind}`) })),
          ]}
        />
      </div>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <QueryError error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.items.length === 0 ? (
        <EmptyState>{values.status === 'new' ? t('admin.requests.emptyNew') : t('admin.empty')}</EmptyState>
      ) : (
        <>
          <div className={`${styles.list} ${styles.twoCols}`}>
            {query.data.items.map((request) => (
              <RequestCard key={request.id} request={request} />
            ))}
          </div>
          <Pagination page={query.data.page} pages={query.data.pages} total={query.data.total} onPageChange={(next) => set({ page: next })} />
        </>
      )}
    </div>
  );
}
