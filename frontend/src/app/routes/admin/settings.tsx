import { Loading, QueryError } from '@/components/ui/QueryState';
import { useAllSettings } from '@/features/settings/api/all-settings';
import { SettingsForm } from '@/features/settings/components/SettingsForm';

import { AdminPage } from './page';

export function AdminSettingsRoute() {
  return (
    <AdminPage section="settings">
      <SettingsBody />
    </AdminPage>
  );
}

function SettingsBody() {
  const query = useAllSettings();
  if (query.isPending) return <Loading />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  return <SettingsForm settings={query.data} />;
}
