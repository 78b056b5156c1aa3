import { useTranslation } from 'react-i18next';

import { PlaceholderPanel } from '@/components/PlaceholderPanel';
import { Alert } from '@/components/ui/Alert';
import { hasMinRole } from '@/features/auth/roles';
import { useCurrentUser } from '@/features/auth/stores/session-store';

/** Shell for `features/configs` (QR, share link, subscription, usage, renew/limit requests). */
export function ConfigsRoute() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  // The API serves configs to verified users only; admins are exempt (DESIGN §4).
  const waiting = user !== null && user.status !== 'verified' && !hasMinRole(user.role, 'admin');
  return (
    <PlaceholderPanel
      title={t('configs.title')}
      intro={t('configs.intro')}
      items={[t('configs.items.qr'), t('configs.items.subscription'), t('configs.items.usage'), t('configs.items.requests')]}
    >
      {waiting ? (
        <Alert tone="warning" title={t('configs.notVerifiedTitle')}>
          <p>{t('configs.notVerifiedText')}</p>
        </Alert>
      ) : null}
    </PlaceholderPanel>
  );
}
