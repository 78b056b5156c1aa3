import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Card } from '@/components/ui/Card';
import { paths } from '@/config/paths';
import { hasMinRole } from '@/features/auth/roles';
import { useCurrentUser } from '@/features/auth/stores/session-store';

import { ADMIN_SECTIONS } from './sections';
import styles from './admin.module.css';

export function AdminHomeRoute() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  return (
    <div className={styles.layout}>
      <h1>{t('admin.title')}</h1>
      <p className={styles.muted}>{t('admin.intro')}</p>
      <div className={styles.grid}>
        {ADMIN_SECTIONS.filter((section) => user && hasMinRole(user.role, section.minRole)).map((section) => (
          <Card key={section.id}>
            <h2>
              <Link to={paths.admin.getHref(section.id)}>{t(`admin.sections.${section.id}.title`)}</Link>
            </h2>
            <p className={styles.muted}>{t(`admin.sections.${section.id}.text`)}</p>
          </Card>
        ))}
      </div>
    </div>
  );
}
