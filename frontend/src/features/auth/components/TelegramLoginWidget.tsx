import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { mountLoginWidget } from '@/lib/telegram/login-widget';

import styles from './TelegramLoginArea.module.css';

/**
 * Telegram's Login Widget button (redirect mode, see `lib/telegram/login-widget.ts`). After
 * the user confirms in Telegram, the browser comes back to `authUrl` with the signed fields.
 * When Telegram's script cannot load (offline, blocked) a hint names the bot instead.
 */
export function TelegramLoginWidget({ botUsername, authUrl }: { botUsername: string; authUrl: string }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!container.current) return;
    return mountLoginWidget(container.current, {
      botUsername,
      authUrl,
      onError: () => {
        setFailed(true);
      },
    });
  }, [botUsername, authUrl]);
  return (
    <div className={styles.widget}>
      <div ref={container} data-testid="telegram-login-widget" />
      {failed ? <p className={styles.text}>{t('auth.telegram.widgetFailed', { bot: botUsername })}</p> : null}
    </div>
  );
}
