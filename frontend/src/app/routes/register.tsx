import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';

import { Card } from '@/components/ui/Card';
import { paths, safeNextPath } from '@/config/paths';
import { RegisterForm, RegistrationClosed } from '@/features/auth/components/RegisterForm';
import { useSessionStore } from '@/features/auth/stores/session-store';
import { isRegistrationClosed, usePublicSettings } from '@/features/settings/api/get-public-settings';

import styles from './routes.module.css';

export function RegisterRoute() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const status = useSessionStore((state) => state.status);
  const settings = usePublicSettings();

  if (status === 'authenticated') return <Navigate to={safeNextPath(params.get('next'))} replace />;

  return (
    <div className={`${styles.stack} ${styles.narrow}`}>
      <Card>
        <h1>{t('auth.register.title')}</h1>
        <p className={styles.muted}>{t('auth.register.subtitle')}</p>
        {isRegistrationClosed(settings.data) ? <RegistrationClosed /> : <RegisterForm />}
      </Card>
      <p className={styles.switchLine}>
        {t('auth.register.haveAccount')}{' '}
        <Link to={paths.login.getHref(params.get('next'))}>{t('auth.register.loginLink')}</Link>
      </p>
    </div>
  );
}
