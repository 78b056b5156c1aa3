import { useTranslation } from 'react-i18next';

import { Card } from '@/components/ui/Card';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, Loading, QueryError } from '@/components/ui/QueryState';
import { SelectField } from '@/components/ui/SelectField';
import { TextField } from '@/components/ui/TextField';
import { useDebouncedFilter, useSearchFilters } from '@/hooks/use-search-filters';
import type { AuditRead, TargetType } from '@/lib/api/types';
import { formatDateTime } from '@/lib/format';

import { PAGE_SIZE, useAudit } from '../api/admin-api';
import { FilterPanel } from './FilterPanel';
import { TARGET_TYPES } from './labels';
import styles from './admin.module.css';

const FILTERS = ['action', 'target', 'from', 'to'] as const;

/** `YYYY-MM-DD` (a date input) → the start of that day, local time, as ISO. */
function dayStart(value: string, endOfDay = false): string | null {
  if (!value) return null;
  const date = new Date(`${value}T00:00:00`);
  if (Number.isNaN(date.getTime())) return null;
  if (endOfDay) date.setDate(date.getDate() + 1);
  return date.toISOString();
}

/** Who did what and when: every admin action with a before/after summary. */
export function AuditLog() {
  const { t } = useTranslation();
  const { values, page, set } = useSearchFilters(FILTERS);
  const [action, setAction] = useDebouncedFilter('action', values.action, set);

  const query = useAudit({
    page,
    limit: PAGE_SIZE,
    action: values.action || null,
    target_type: (values.target || null) as TargetType | null,
    from: dayStart(values.from),
    to: dayStart(values.to, true),
  });

  return (
    <div className={styles.stack}>
      <FilterPanel active={[values.action, values.target, values.from, values.to].filter(Boolean).length}>
        <TextField
          label={t('admin.audit.action')}
          placeholder="request.apply"
          value={action}
          onChange={(event) => setAction(event.target.value)}
        />
        <SelectField
          label={t('admin.audit.target')}
          value={values.target}
          onChange={(event) => set({ target: event.target.value })}
          options={[{ value: '', label: t('admin.filters.all') }, ...TARGET_TYPES.map((type) => ({ value: type, label: t(`admin.targets.${type}`) }))]}
        />
        <TextField label={t('admin.audit.from')} type="date" value={values.from} onChange={(event) => set({ from: event.target.value })} />
        <TextField label={t('admin.audit.to')} type="date" value={values.to} onChange={(event) => set({ to: event.target.value })} />
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
            <ul className={styles.plain} aria-label={t('admin.sections.audit.title')}>
              {query.data.items.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </ul>
          </Card>
          <Pagination page={query.data.page} pages={query.data.pages} total={query.data.total} onPageChange={(next) => set({ page: next })} />
        </>
      )}
    </div>
  );
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function AuditRow({ entry }: { entry: AuditRead }) {
  const { t } = useTranslation();
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return (
    <li className={styles.row}>
      <div className={styles.rowMain}>
        <span className={styles.title}>
          <code>{entry.action}</code>
        </span>
        <span className={styles.muted}>
          {formatDateTime(entry.created_at)} · {entry.actor_login ?? t('admin.audit.system')}
          {entry.target_type ? ` · ${t(`admin.targets.${entry.target_type}`)}` : ''}
          {entry.target_id ? ` ${entry.target_id.slice(0, 8)}` : ''}
          {entry.ip ? ` · ${entry.ip}` : ''}
        </span>
        {keys.length ? (
          <ul className={styles.diff}>
            {keys.map((key) => (
              <li key={key}>
                <strong>{key}</strong>:{' '}
                {key in before && key in after ? `${show(before[key])} → ${show(after[key])}` : key in after ? show(after[key]) : `${show(before[key])} → —`}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </li>
  );
}
