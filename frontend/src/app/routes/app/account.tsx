import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { paths } from '@/config/paths';
import { NotificationsList } from '@/features/account/components/NotificationsList';
import { ProfileForm } from '@/features/account/components/ProfileForm';
import { SessionsList } from '@/features/account/components/SessionsList';
import { TelegramLink } from '@/features/account/components/TelegramLink';
import { useLogout } from '@/features/auth/hooks/use-logout';
import { useCurrentUser } from '@/features/auth/stores/session-store';
import {
  isTelegramLoginEnabled,
  telegramBotUsername,
  usePublicSettings,
} from '@/features/settings/api/get-public-settings';

import styles from '../routes.module.css';

/** `/account`: profile and language, Telegram, password and sessions, notifications. */
export function AccountRoute() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const logout = useLogout();
  const settings = usePublicSettings();
  if (!user) return null;
  const bot = isTelegramLoginEnabled(settings.data) ? telegramBotUsername(settings.data) : null;

  return (
    <div className={styles.stack}>
      <header className={styles.pageHead}>
        <div>
          <h1>{t('account.title')}</h1>
          <p className={styles.lead}>{t('account.intro', { login: user.login })}</p>
        </div>
        <Button variant="secondary" onClick={() => void logout()}>
          {t('nav.logout')}
        </Button>
      </header>
      <Card aria-labelledby="account-profile">
        <h2 id="account-profile">{t('account.profile.title')}</h2>
        <ProfileForm key={user.id} user={user} />
      </Card>
      <Card aria-labelledby="account-telegram">
        <h2 id="account-telegram">{t('account.telegram.title')}</h2>
        <TelegramLink user={user} botUsername={bot} />
      </Card>
      <Card aria-labelledby="account-security">
        <h2 id="account-security">{t('account.sessions.title')}</h2>
        <p className={styles.lead}>{t('account.sessions.intro')}</p>
        <SessionsList />
        <div>
          <Button asChild variant="secondary">
            <Link to={paths.changePassword.getHref()}>
              {user.has_password ? t('account.changePassword') : t('account.setPassword')}
            </Link>
          </Button>
        </div>
      </Card>
      <Card aria-labelledby="account-notifications">
        <h2 id="account-notifications">{t('account.notifications.title')}</h2>
        <NotificationsList />
      </Card>
    </div>
  );
}
