import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ProtectedRoute } from '@/features/auth/components/ProtectedRoute';

import { findAdminSection, type AdminSectionId } from './sections';
import styles from './admin.module.css';

/**
 * Frame of an admin screen: the section's role guard (below the layout's admin guard), a
 * title with optional back link and actions.
 */
export function AdminPage({
  section,
  title,
  back,
  actions,
  children,
}: {
  section: AdminSectionId;
  title?: ReactNode;
  back?: { to: string; label: string };
  actions?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const definition = findAdminSection(section);
  return (
    <ProtectedRoute minRole={definition?.minRole ?? 'admin'}>
      <section className={styles.layout} aria-labelledby="admin-page-title">
        <header className={styles.pageHead}>
          <div>
            {back ? (
              <Link to={back.to} className={styles.back}>
                ← {back.label}
              </Link>
            ) : null}
            <h1 id="admin-page-title">{title ?? t(`admin.sections.${section}.title`)}</h1>
          </div>
          {actions}
        </header>
        {children}
      </section>
    </ProtectedRoute>
  );
}
