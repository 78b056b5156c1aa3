import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation } from 'react-router';

import { paths } from '@/config/paths';
import { hasMinRole } from '@/features/auth/roles';
import { useCurrentUser } from '@/features/auth/stores/session-store';

import { ADMIN_SECTIONS } from './sections';
import styles from './admin.module.css';

export function AdminLayout() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const visible = ADMIN_SECTIONS.filter((section) => user && hasMinRole(user.role, section.minRole));
  const nav = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  // On a phone the section tabs scroll sideways: keep the current one in view.
  useEffect(() => {
    const active = nav.current?.querySelector<HTMLElement>('[aria-current="page"]');
    if (active && typeof active.scrollIntoView === 'function') {
      active.scrollIntoView({ block: 'nearest', inline: 'center' });
    }
  }, [pathname]);
  return (
    <div className={styles.layout}>
      <nav ref={nav} aria-label={t('admin.sectionsLabel')} className={styles.tabs}>
        <NavLink end to={paths.admin.getHref()} className={styles.tab}>
          {t('admin.title')}
        </NavLink>
        {visible.map((section) => (
          <NavLink key={section.id} to={paths.admin.getHref(section.id)} className={styles.tab}>
            {t(`admin.sections.${section.id}.title`)}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
