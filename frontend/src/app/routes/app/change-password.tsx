import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';

import { Alert } from '@/components/ui/Alert';
import { Card } from '@/components/ui/Card';
import { safeNextPath } from '@/config/paths';
import { ChangePasswordForm } from '@/features/auth/components/ChangePasswordForm';
import { useCurrentUser } from '@/features/auth/stores/session-store';

import styles from '../routes.module.css';

/** `/account/password`: also where `must_change_password` sends the user (with `next`). */
export function ChangePasswordRoute() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const forced = user?.must_change_password === true;
  return (
    <div className={`${styles.stack} ${styles.narrow}`}>
      <Card>
        <h1>{t('auth.changePassword.title')}</h1>
        {forced ? <Alert tone="warning">{t('auth.changePassword.forced')}</Alert> : null}
        <ChangePasswordForm
          onSuccess={(me) => {
            if (forced && !me.must_change_password) {
              void navigate(safeNextPath(params.get('next')), { replace: true });
            }
          }}
        />
      </Card>
    </div>
  );
}
