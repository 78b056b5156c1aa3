import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { paths } from '@/config/paths';
import { AdminConfigDetail } from '@/features/admin/components/AdminConfigDetail';
import { AdminConfigList } from '@/features/admin/components/AdminConfigList';

import { AdminPage } from './page';

export function AdminConfigsRoute() {
  return (
    <AdminPage section="configs">
      <AdminConfigList />
    </AdminPage>
  );
}

export function AdminConfigRoute() {
  const { t } = useTranslation();
  const { configId = '' } = useParams();
  return (
    <AdminPage
      section="configs"
      title={t('admin.configs.detailTitle')}
      back={{ to: paths.admin.getHref('configs'), label: t('admin.sections.configs.title') }}
    >
      <AdminConfigDetail key={configId} configId={configId} />
    </AdminPage>
  );
}
