import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, ScrollRestoration, useLocation } from 'react-router';

import { Button } from '@/components/ui/Button';
import { paths } from '@/config/paths';
import { hasMinRole } from '@/features/auth/roles';
import { useSessionStore } from '@/features/auth/stores/session-store';

import { LanguageSwitch } from './LanguageSwitch';
import { UserMenu } from './UserMenu';
import styles from './AppLayout.module.css';

/**
 * Mobile-first shell: a compact header (brand, language, account) and, for logged-in users,
 * the main navigation — a bottom tab bar on phones (thumb reach, like Telegram's own UI),
 * inline in the header from 640px up. One `<nav>` element; CSS moves it.
 */
export function AppLayout() {
  const { t } = useTranslation();
  const user = useSessionStore((state) => state.user);
  const status = useSessionStore((state) => state.status);
  const { pathname } = useLocation();
  const onAuthPage = pathname === paths.login.path || pathname === paths.register.path;

  return (
    <div
      className={styles.shell}
      data-has-tabbar={user ? 'true' : undefined}
      data-wide={pathname.startsWith(paths.admin.path) ? 'true' : undefined}
    >
      <header className={styles.header}>
        <Link to={paths.home.getHref()} className={styles.brand}>
          {t('common.appName')}
        </Link>
        {user ? (
          <nav aria-label={t('nav.main')} className={styles.nav}>
            <NavLink to={paths.configs.getHref()} className={styles.navLink}>
              {t('nav.configs')}
            </NavLink>
            <NavLink to={paths.news.getHref()} className={styles.navLink}>
              {t('nav.news')}
            </NavLink>
            <NavLink to={paths.account.getHref()} className={styles.navLink}>
              {t('nav.account')}
            </NavLink>
            {hasMinRole(user.role, 'admin') ? (
              <NavLink to={paths.admin.getHref()} className={styles.navLink}>
                {t('nav.admin')}
              </NavLink>
            ) : null}
          </nav>
        ) : null}
        <div className={styles.tools}>
          <LanguageSwitch />
          {user ? <UserMenu user={user} /> : null}
          {status === 'anonymous' && !onAuthPage ? (
            <Button asChild variant="ghost">
              <Link to={paths.login.getHref()}>{t('nav.login')}</Link>
            </Button>
          ) : null}
        </div>
      </header>
      <main className={styles.main}>
        <Outlet />
      </main>
      <ScrollRestoration />
    </div>
  );
}
