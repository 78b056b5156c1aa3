import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { TelegramLoginWidget } from '@/features/auth/components/TelegramLoginWidget';
import { reloadUser } from '@/features/auth/session';
import { telegramSocial } from '@/features/auth/socials';
import type { Me } from '@/lib/api/types';
import { errorMessage } from '@/lib/i18n/error-message';
import { readWidgetAuth, withoutWidgetAuth } from '@/lib/telegram/login-widget';
import { getTelegramInitData } from '@/lib/telegram/webapp';

import { linkTelegram, unlinkTelegram } from '../api/account-api';
import styles from './Account.module.css';

/**
 * The linked Telegram account: shown with an unlink action (only for accounts with a
 * password, which the API enforces too), or a way to link one — the Mini App's own initData
 * inside Telegram, else the Login Widget (redirect mode: it comes back to `/account` with the
 * signed fields, which are posted here and removed from the URL).
 */
export function TelegramLink({ user, botUsername }: { user: Me; botUsername: string | null }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [confirmUnlink, setConfirmUnlink] = useState(false);
  const social = telegramSocial(user);
  const initData = getTelegramInitData();

  const link = useMutation({
    mutationFn: async (body: Parameters<typeof linkTelegram>[0]) => {
      await linkTelegram(body);
      return reloadUser();
    },
  });
  const unlink = useMutation({
    mutationFn: async () => {
      await unlinkTelegram();
      return reloadUser();
    },
  });

  // Back from the Login Widget with signed fields: link them once, then clean the URL.
  const started = useRef(false);
  const { mutate: linkWith } = link;
  useEffect(() => {
    const body = readWidgetAuth(params);
    if (!body || started.current) return;
    started.current = true;
    setParams(withoutWidgetAuth(params), { replace: true });
    linkWith(body);
  }, [params, setParams, linkWith]);

  const failed = link.error ?? unlink.error;

  return (
    <>
      {failed ? <Alert tone="error">{errorMessage(failed, t)}</Alert> : null}
      {link.isSuccess ? <Alert tone="success">{t('account.telegram.linked')}</Alert> : null}
      {social ? (
        <div className={styles.item}>
          <div className={styles.itemMain}>
            <span className={styles.itemTitle} data-testid="telegram-account">
              {social.username ? `@${social.username}` : t('account.telegram.idOnly', { id: social.external_id })}
              {social.reachable ? null : <Badge tone="warning">{t('account.telegram.unreachable')}</Badge>}
            </span>
            <span className={styles.muted}>
              {social.reachable ? t('account.telegram.linkedText') : t('account.telegram.unreachableText')}
            </span>
          </div>
          <Button
            variant="secondary"
            size="sm"
            disabled={!user.has_password}
            loading={unlink.isPending}
            onClick={() => setConfirmUnlink(true)}
          >
            {t('account.telegram.unlink')}
          </Button>
          {user.has_password ? null : <p className={styles.muted}>{t('account.telegram.needPassword')}</p>}
          <ConfirmDialog
            open={confirmUnlink}
            onOpenChange={setConfirmUnlink}
            title={t('account.telegram.unlinkTitle')}
            description={t('account.telegram.unlinkText')}
            confirmLabel={t('account.telegram.unlink')}
            destructive
            onConfirm={() => unlink.mutate()}
          />
        </div>
      ) : initData ? (
        <>
          <p className={styles.muted}>{t('account.telegram.notLinked')}</p>
          <div>
            <Button loading={link.isPending} onClick={() => link.mutate({ init_data: initData })}>
              {t('account.telegram.linkThis')}
            </Button>
          </div>
        </>
      ) : botUsername ? (
        <>
          <p className={styles.muted}>{t('account.telegram.notLinkedWidget')}</p>
          {link.isPending ? <p className={styles.muted}>{t('account.telegram.linking')}</p> : null}
          <TelegramLoginWidget botUsername={botUsername} authUrl={`${window.location.origin}/account`} />
        </>
      ) : (
        <p className={styles.muted}>{t('account.telegram.noBot')}</p>
      )}
    </>
  );
}
