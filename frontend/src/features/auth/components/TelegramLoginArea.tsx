import { useTranslation } from 'react-i18next';

import { Card } from '@/components/ui/Card';

import styles from './TelegramLoginArea.module.css';

/**
 * Where the Telegram Login Widget goes (outside the Mini App), shown only when the public
 * settings say Telegram login is enabled (a bot is configured). The widget itself needs Telegram's script and a registered domain; a
 * later slice mounts it here and posts its fields to `/auth/v1/login/social/telegram`.
 */
export function TelegramLoginArea({ botUsername }: { botUsername: string | null }) {
  const { t } = useTranslation();
  return (
    <Card aria-labelledby="telegram-login-title" className={styles.area}>
      <h2 id="telegram-login-title" className={styles.title}>
        {t('auth.telegram.title')}
      </h2>
      <p className={styles.text} data-testid="telegram-login-placeholder">
        {botUsername ? t('auth.telegram.placeholderWithBot', { bot: botUsername }) : t('auth.telegram.placeholder')}
      </p>
    </Card>
  );
}
