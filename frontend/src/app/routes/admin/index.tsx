import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Badge } from '@/components/ui/Badge';
import { Card } from '@/components/ui/Card';
import { paths } from '@/config/paths';
import { useRequests } from '@/features/admin/api/admin-api';
import { hasMinRole } from '@/features/auth/roles';
import { useCurrentUser } from '@/features/auth/stores/session-store';

import { ADMIN_SECTIONS } from './sections';
import styles from './admin.module.css';

export function AdminHomeRoute() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  // Only the count matters here: one item is enough to get `total`.
  const openRequests = useRequests({ status: 'new', limit: 1 });
  return (
    <div className={styles.layout}>
      <h1>{t('admin.title')}</h1>
      <p className={styles.muted}>{t('admin.intro')}</p>
      <div className={styles.grid}>
        {ADMIN_SECTIONS.filter((section) => user && hasMinRole(user.role, section.minRole)).map((section) => (
          <Card key={section.id}>
            <h2 className={styles.cardTitle}>
              <Link to={paths.admin.getHref(section.id)}>{t(`admin.sections.${section.id}.title`)}</Link>
              {section.id === 'requests' && openRequests.data?.total ? (
                <Badge tone="warning">{t('admin.requests.newCount', { count: openRequests.data.total })}</Badge>
              ) : null}
            </h2>
            <p className={styles.muted}>{t(`admin.sections.${section.id}.text`)}</p>
          </Card>
        ))}
      </div>
    </div>
  );
}
