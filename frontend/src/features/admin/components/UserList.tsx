import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Badge } from '@/components/ui/Badge';
import { Card } from '@/components/ui/Card';
import { Pagination } from '@/components/ui/Pagination';
import { EmptyState, Loading, QueryError } from '@/components/ui/QueryState';
import { SelectField } from '@/components/ui/SelectField';
import { TextField } from '@/components/ui/TextField';
import { paths } from '@/config/paths';
import { telegramSocial } from '@/features/auth/socials';
import { parseBoolean, useDebouncedFilter, useSearchFilters } from '@/hooks/use-search-filters';
import type { Role, UserRead, UserStatus } from '@/lib/api/types';

import { PAGE_SIZE, useUsers } from '../api/admin-api';
import { FilterPanel } from './FilterPanel';
import { ROLES, USER_STATUS_TONE, USER_STATUSES } from './labels';
import styles from './admin.module.css';

const FILTERS = ['q', 'role', 'status', 'active', 'telegram'] as const;

/** Users: search (login, name, e-mail, Telegram username) and filters, kept in the URL. */
export function UserList() {
  const { t } = useTranslation();
  const { values, page, set } = useSearchFilters(FILTERS);
  const [search, setSearch] = useDebouncedFilter('q', values.q, set);

  const query = useUsers({
    page,
    limit: PAGE_SIZE,
    q: values.q || null,
    role: (values.role || null) as Role | null,
    status: (values.status || null) as UserStatus | null,
    is_active: parseBoolean(values.active) ?? null,
    has_telegram: parseBoolean(values.telegram) ?? null,
  });
  const yesNo = [
    { value: '', label: t('admin.filters.all') },
    { value: 'true', label: t('common.yes') },
    { value: 'false', label: t('common.no') },
  ];

  return (
    <div className={styles.stack}>
      <TextField
        label={t('admin.users.search')}
        placeholder={t('admin.users.searchPlaceholder')}
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <FilterPanel active={[values.status, values.role, values.active, values.telegram].filter(Boolean).length}>
        <SelectField
          label={t('admin.filters.status')}
          value={values.status}
          onChange={(event) => set({ status: event.target.value })}
          options={[
            { value: '', label: t('admin.filters.all') },
            ...USER_STATUSES.map((status) => ({ value: status, label: t(`admin.userStatus.${status}`) })),
          ]}
        />
        <SelectField
          label={t('admin.filters.role')}
          value={values.role}
          onChange={(event) => set({ role: event.target.value })}
          options={[{ value: '', label: t('admin.filters.all') }, ...ROLES.map((role) => ({ value: role, label: t(`admin.roles.${role}`) }))]}
        />
        <SelectField label={t('admin.filters.active')} value={values.active} onChange={(event) => set({ active: event.target.value })} options={yesNo} />
        <SelectField label={t('admin.filters.telegram')} value={values.telegram} onChange={(event) => set({ telegram: event.target.value })} options={yesNo} />
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
            <ul className={styles.plain} aria-label={t('admin.sections.users.title')}>
              {query.data.items.map((user) => (
                <UserRow key={user.id} user={user} />
              ))}
            </ul>
          </Card>
          <Pagination page={query.data.page} pages={query.data.pages} total={query.data.total} onPageChange={(next) => set({ page: next })} />
        </>
      )}
    </div>
  );
}

function UserRow({ user }: { user: UserRead }) {
  const { t } = useTranslation();
  const name = [user.profile.first_name, user.profile.last_name].filter(Boolean).join(' ');
  const telegram = telegramSocial(user);
  return (
    <li className={styles.row}>
      <div className={styles.rowMain}>
        <Link to={paths.adminUser.getHref(user.id)} className={styles.title}>
          {user.login}
        </Link>
        <span className={styles.muted}>
          {[name, user.profile.email, telegram ? `@${telegram.username ?? telegram.external_id}` : null].filter(Boolean).join(' · ') ||
            '—'}
        </span>
      </div>
      <div className={styles.badges}>
        <Badge tone={USER_STATUS_TONE[user.status]}>{t(`admin.userStatus.${user.status}`)}</Badge>
        {user.role !== 'user' ? <Badge tone="info">{t(`admin.roles.${user.role}`)}</Badge> : null}
        {user.is_active ? null : <Badge tone="danger">{t('admin.users.inactive')}</Badge>}
      </div>
    </li>
  );
}
