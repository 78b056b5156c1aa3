import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { useShallow } from 'zustand/react/shallow';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { PageLoader } from '@/components/ui/Spinner';
import { paths } from '@/config/paths';
import type { Role } from '@/lib/api/types';

import { useLogout } from '../hooks/use-logout';
import { hasMinRole } from '../roles';
import { bootstrapSession } from '../session';
import { useSessionStore } from '../stores/session-store';

export interface ProtectedRouteProps {
  /** Least-privileged role allowed (by weight: superuser 0 < admin 1 < user 2). */
  minRole?: Role;
  /** Defaults to `<Outlet />` (use as a layout route). */
  children?: ReactNode;
}

/**
 * Renders its children only for a logged-in user with at least `minRole`.
 * - session being checked → loader; check failed (offline) → retry panel
 * - anonymous → `/login?next=<this page>` (no `next` after an explicit logout)
 * - `must_change_password` → the change-password screen (with `next`)
 * - role too weak → "no access" in place (the URL stays, so the user sees where they are)
 */
export function ProtectedRoute({ minRole, children }: ProtectedRouteProps) {
  const { t } = useTranslation();
  const location = useLocation();
  const { status, user, endReason } = useSessionStore(
    useShallow((state) => ({ status: state.status, user: state.user, endReason: state.endReason })),
  );
  const here = `${location.pathname}${location.search}${location.hash}`;

  if (status === 'unknown') return <PageLoader label={t('guard.checkingSession')} />;
  if (status === 'error') return <SessionCheckFailed />;
  if (status === 'anonymous' || !user) {
    return <Navigate to={paths.login.getHref(endReason === 'logout' ? null : here)} replace />;
  }
  if (user.must_change_password && location.pathname !== paths.changePassword.path) {
    return <Navigate to={paths.changePassword.getHref(here)} replace />;
  }
  if (minRole && !hasMinRole(user.role, minRole)) return <Forbidden />;
  return children ?? <Outlet />;
}

function Forbidden() {
  const { t } = useTranslation();
  return (
    <Alert tone="error" title={t('guard.forbiddenTitle')}>
      <p>{t('guard.forbiddenText')}</p>
      <Link to={paths.home.getHref()}>{t('guard.backHome')}</Link>
    </Alert>
  );
}

function SessionCheckFailed() {
  const { t } = useTranslation();
  const logout = useLogout();
  return (
    <Alert tone="error" title={t('errors.network')}>
      <p>
        <Button onClick={() => void bootstrapSession()}>{t('common.retry')}</Button>{' '}
        <Button variant="ghost" onClick={() => void logout()}>
          {t('nav.logout')}
        </Button>
      </p>
    </Alert>
  );
}
