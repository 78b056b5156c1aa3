import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useShallow } from 'zustand/react/shallow';

import { Alert } from '@/components/ui/Alert';
import { Card } from '@/components/ui/Card';
import { PageLoader } from '@/components/ui/Spinner';
import { paths, safeNextPath } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/LoginForm';
import { TelegramLoginArea } from '@/features/auth/components/TelegramLoginArea';
import { useTelegramWidgetLogin, WIDGET_NEXT_KEY } from '@/features/auth/hooks/use-telegram-widget-login';
import { useSessionStore } from '@/features/auth/stores/session-store';
import {
  isTelegramLoginEnabled,
  telegramBotUsername,
  usePublicSettings,
} from '@/features/settings/api/get-public-settings';
import { errorMessage } from '@/lib/i18n/error-message';
import { isInTelegram } from '@/lib/telegram/webapp';

import styles from './routes.module.css';

export function LoginRoute() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const { status, endReason, telegramLogin } = useSessionStore(
    useShallow((s) => ({ status: s.status, endReason: s.endReason, telegramLogin: s.telegramLogin })),
  );
  const settings = usePublicSettings();
  const showTelegramArea = isTelegramLoginEnabled(settings.data) && !isInTelegram();
  const widget = useTelegramWidgetLogin();
  const next = params.get('next');

  // Telegram's widget redirects back to plain `/login`: remember `next` for that trip.
  useEffect(() => {
    if (!showTelegramArea) return;
    try {
      if (next) sessionStorage.setItem(WIDGET_NEXT_KEY, next);
    } catch {
      // no storage: the widget login lands on the default page
    }
  }, [showTelegramArea, next]);


  if (status === 'authenticated') return <Navigate to={safeNextPath(next ?? (widget.used ? readWidgetNext() : null))} replace />;
  if (telegramLogin === 'pending' || widget.state === 'pending') {
    return <PageLoader label={t('auth.telegram.signingIn')} />;
  }

  return (
    <div className={`${styles.stack} ${styles.narrow}`}>
      <Card>
        <h1>{t('auth.login.title')}</h1>
        {endReason === 'expired' ? <Alert tone="info">{t('auth.login.sessionExpired')}</Alert> : null}
        {telegramLogin === 'failed' ? <Alert tone="warning">{t('auth.telegram.failed')}</Alert> : null}
        {widget.state === 'failed' ? (
          <Alert tone="error" title={t('auth.telegram.widgetLoginFailed')}>
            {errorMessage(widget.error, t)}
          </Alert>
        ) : null}
        <LoginForm />
      </Card>
      {showTelegramArea ? <TelegramLoginArea botUsername={telegramBotUsername(settings.data)} /> : null}
      <p className={styles.switchLine}>
        {t('auth.login.noAccount')}{' '}
        <Link to={paths.register.getHref(params.get('next'))}>{t('auth.login.registerLink')}</Link>
      </p>
    </div>
  );
}

function readWidgetNext(): string | null {
  try {
    return sessionStorage.getItem(WIDGET_NEXT_KEY);
  } catch {
    return null;
  }
}
