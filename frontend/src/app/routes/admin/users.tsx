import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { UserDetailView } from '@/features/admin/components/UserDetail';
import { UserList } from '@/features/admin/components/UserList';
import { paths } from '@/config/paths';

import { AdminPage } from './page';

export function AdminUsersRoute() {
  return (
    <AdminPage section="users">
      <UserList />
    </AdminPage>
  );
}

export function AdminUserRoute() {
  const { t } = useTranslation();
  const { userId = '' } = useParams();
  return (
    <AdminPage
      section="users"
      title={t('admin.users.detailTitle')}
      back={{ to: paths.admin.getHref('users'), label: t('admin.sections.users.title') }}
    >
      <UserDetailView key={userId} userId={userId} />
    </AdminPage>
  );
}
