import { RequestQueue } from '@/features/admin/components/RequestQueue';

import { AdminPage } from './page';

export function AdminRequestsRoute() {
  return (
    <AdminPage section="requests">
      <RequestQueue />
    </AdminPage>
  );
}
