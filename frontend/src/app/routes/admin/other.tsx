import { AdminNotifications } from '@/features/admin/components/AdminNotifications';
import { AdminSessions } from '@/features/admin/components/AdminSessions';
import { AuditLog } from '@/features/admin/components/AuditLog';
import { XuiStatus } from '@/features/admin/components/XuiStatus';

import { AdminPage } from './page';

export function AdminSessionsRoute() {
  return (
    <AdminPage section="sessions">
      <AdminSessions />
    </AdminPage>
  );
}

export function AdminNotificationsRoute() {
  return (
    <AdminPage section="notifications">
      <AdminNotifications />
    </AdminPage>
  );
}

export function AdminAuditRoute() {
  return (
    <AdminPage section="audit">
      <AuditLog />
    </AdminPage>
  );
}

export function AdminXuiRoute() {
  return (
    <AdminPage section="xui">
      <XuiStatus />
    </AdminPage>
  );
}
