import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';

import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { paths } from '@/config/paths';
import { useSessionStore } from '@/features/auth/stores/session-store';
import { isInTelegram } from '@/lib/telegram/webapp';

import styles from './routes.module.css';

export function LandingRoute() {
  const { t } = useTranslation();
  const status = useSessionStore((state) => state.status);

  // The bot's button opens the web app root; inside Telegram go straight to the configs.
  if (status === 'authenticated' && isInTelegram()) return <Navigate to={paths.configs.getHref()} replace />;

  return (
    <div className={styles.stack}>
      <Card>
        <h1>{t('landing.title')}</h1>
        <p className={styles.muted}>{t('landing.subtitle')}</p>
        <ul className={styles.points}>
          <li>{t('landing.points.configs')}</li>
          <li>{t('landing.points.renew')}</li>
          <li>{t('landing.points.telegram')}</li>
        </ul>
        <div className={styles.actions}>
          {status === 'authenticated' ? (
            <Button asChild block>
              <Link to={paths.configs.getHref()}>{t('landing.openConfigs')}</Link>
            </Button>
          ) : (
            <>
              <Button asChild block>
                <Link to={paths.register.getHref()}>{t('nav.register')}</Link>
              </Button>
              <Button asChild block variant="secondary">
                <Link to={paths.login.getHref()}>{t('nav.login')}</Link>
              </Button>
            </>
          )}
        </div>
      </Card>
    </div>
  );
}
