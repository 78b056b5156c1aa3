import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { PlaceholderPanel } from '@/components/PlaceholderPanel';
import { Button } from '@/components/ui/Button';
import { paths } from '@/config/paths';
import { useLogout } from '@/features/auth/hooks/use-logout';
import { useCurrentUser } from '@/features/auth/stores/session-store';

/** Shell for `features/account` (profile, sessions, notifications, password). */
export function AccountRoute() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const logout = useLogout();
  return (
    <PlaceholderPanel
      title={t('account.title')}
      intro={t('account.intro', { login: user?.login ?? '' })}
      items={[
        t('account.items.profile'),
        t('account.items.sessions'),
        t('account.items.notifications'),
        t('account.items.password'),
      ]}
    >
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <Button asChild variant="secondary">
          <Link to={paths.changePassword.getHref()}>{t('account.changePassword')}</Link>
        </Button>
        <Button variant="ghost" onClick={() => void logout()}>
          {t('nav.logout')}
        </Button>
      </div>
    </PlaceholderPanel>
  );
}
