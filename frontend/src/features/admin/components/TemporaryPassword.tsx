import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';
import { Dialog, DialogActions } from '@/components/ui/Dialog';
import type { NotificationChannel } from '@/lib/api/types';

import styles from './admin.module.css';

/**
 * The result of a password reset. A `temporary_password` comes back only when it could not
 * be delivered to the user: it is shown here once (never stored) to be passed on by hand.
 */
export function TemporaryPasswordDialog({
  result,
  login,
  onClose,
}: {
  result: { temporary_password?: string | null; delivered_via?: NotificationChannel[] } | null;
  login: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const password = result?.temporary_password ?? null;
  const channels = result?.delivered_via ?? [];
  return (
    <Dialog
      open={result !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={t('admin.password.title', { login })}
    >
      {password ? (
        <>
          <Alert tone="warning">{t('admin.password.showOnce')}</Alert>
          <div className={styles.secret} data-testid="temporary-password">
            {password}
          </div>
          <CopyButton block variant="primary" text={password} label={t('admin.password.copy')} />
        </>
      ) : (
        <Alert tone="success">
          {channels.length
            ? t('admin.password.delivered', { channels: channels.map((c) => t(`admin.channels.${c}`)).join(', ') })
            : t('admin.password.noPassword')}
        </Alert>
      )}
      <DialogActions>
        <Button variant="secondary" onClick={onClose}>
          {t('common.done')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
