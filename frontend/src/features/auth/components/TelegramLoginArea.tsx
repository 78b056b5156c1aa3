import { useTranslation } from 'react-i18next';

import { Card } from '@/components/ui/Card';

import { TelegramLoginWidget } from './TelegramLoginWidget';
import styles from './TelegramLoginArea.module.css';

/**
 * "Log in with Telegram" outside the Mini App, shown only when the public settings say a bot
 * is configured. With the bot's username known, Telegram's Login Widget is mounted; it brings
 * the browser back to `/login` with the signed fields (`useTelegramWidgetLogin` posts them).
 */
export function TelegramLoginArea({ botUsername }: { botUsername: string | null }) {
  const { t } = useTranslation();
  return (
    <Card aria-labelledby="telegram-login-title" className={styles.area}>
      <h2 id="telegram-login-title" className={styles.title}>
        {t('auth.telegram.title')}
      </h2>
      {botUsername ? (
        <>
          <TelegramLoginWidget botUsername={botUsername} authUrl={`${window.location.origin}/login`} />
          <p className={styles.text}>{t('auth.telegram.orOpenBot', { bot: botUsername })}</p>
        </>
      ) : (
        <p className={styles.text} data-testid="telegram-login-placeholder">
          {t('auth.telegram.placeholder')}
        </p>
      )}
    </Card>
  );
}
