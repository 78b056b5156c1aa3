import { QRCodeSVG } from 'qrcode.react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Badge, type BadgeTone } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { CopyButton } from '@/components/ui/CopyButton';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { Progress } from '@/components/ui/Progress';
import type { ConfigRead, ConfigStatus, PendingRequest, ServiceSettings } from '@/lib/api/types';
import { formatBytes, formatDate, formatDateTime, gibToBytes } from '@/lib/format';
import { errorMessage } from '@/lib/i18n/error-message';

import { useRenewRequest, useRotateSubscription } from '../api/configs-api';
import { LimitsRequestDialog } from './LimitsRequestDialog';
import styles from './ConfigCard.module.css';

const STATUS_TONE: Record<ConfigStatus, BadgeTone> = {
  active: 'success',
  update_pending: 'info',
  expired: 'danger',
  disabled: 'neutral',
};

export interface ConfigCardProps {
  config: ConfigRead;
  /** Service limits from the public settings (what a user may ask for). */
  service: Partial<ServiceSettings> | undefined;
}

/** One config: status, days left, usage, limits, QR + share link, subscription, requests. */
export function ConfigCard({ config, service }: ConfigCardProps) {
  const { t } = useTranslation();
  const [limitsOpen, setLimitsOpen] = useState(false);
  const [notice, setNotice] = useState<'renew' | 'limits' | null>(null);
  const renew = useRenewRequest(config);
  const rotate = useRotateSubscription();
  const [confirmRotate, setConfirmRotate] = useState(false);
  const pending = config.pending_request ?? null;
  const unlimitedTraffic = config.total_gb === 0;
  const limitBytes = gibToBytes(config.total_gb);
  const title = config.type === 'vless' ? 'VLESS' : 'Trojan';

  // What the user came for first — unless the config no longer works: then the renewal.
  const requests = (
    <section className={styles.requests} aria-label={t('configs.requestsLabel')}>
      {config.status === 'disabled' ? <Alert tone="warning">{t('configs.disabledText')}</Alert> : null}
      {pending ? <PendingNotice pending={pending} /> : null}
      {notice === 'renew' && pending?.kind !== 'renew_config' ? (
        <Alert tone="success">{t('configs.renewSent')}</Alert>
      ) : null}
      {notice === 'limits' && pending?.kind !== 'update_config' ? (
        <Alert tone="success">{t('configs.limitsSent')}</Alert>
      ) : null}
      {renew.isError ? <Alert tone="error">{errorMessage(renew.error, t)}</Alert> : null}

      <div className={styles.actions}>
        <Button
          block
          loading={renew.isPending}
          disabled={pending?.kind === 'renew_config'}
          onClick={() => {
            renew.mutate(undefined, {
              onSuccess: () => {
                setNotice('renew');
              },
            });
          }}
        >
          {service?.renew_days
            ? t('configs.requestRenewDays', { count: service.renew_days })
            : t('configs.requestRenew')}
        </Button>
        <Button
          block
          variant="secondary"
          disabled={pending?.kind === 'update_config'}
          onClick={() => {
            setLimitsOpen(true);
          }}
        >
          {t('configs.requestLimits')}
        </Button>
      </div>
    </section>
  );
  const connect = (
    <>
      <section className={styles.connect} aria-labelledby={`config-${config.type}-connect`}>
        <h3 id={`config-${config.type}-connect`} className={styles.subtitle}>
          {t('configs.connect')}
        </h3>
        {config.connection_url ? (
          <>
            <p className={styles.muted}>{t('configs.scanHint')}</p>
            <div className={styles.qr} role="img" aria-label={t('configs.qrLabel', { type: title })} data-testid="config-qr">
              <QRCodeSVG value={config.connection_url} size={224} marginSize={2} level="M" />
            </div>
            <code className={styles.link} data-testid="share-link">
              {config.connection_url}
            </code>
            <CopyButton block variant="primary" text={config.connection_url} label={t('configs.copyLink')} />
          </>
        ) : (
          <Alert tone="warning">{t('configs.noLink')}</Alert>
        )}
      </section>

      <section className={styles.connect} aria-labelledby={`config-${config.type}-sub`}>
        <h3 id={`config-${config.type}-sub`} className={styles.subtitle}>
          {t('configs.subscription')}
        </h3>
        <p className={styles.muted}>{t('configs.subscriptionHint')}</p>
        <code className={styles.link} data-testid="subscription-url">
          {config.subscription_url}
        </code>
        <CopyButton block text={config.subscription_url} label={t('configs.copySubscription')} />
        {rotate.isError ? <Alert tone="error">{errorMessage(rotate.error, t)}</Alert> : null}
        {rotate.isSuccess ? <Alert tone="success">{t('configs.rotated')}</Alert> : null}
        <Button variant="ghost" size="sm" loading={rotate.isPending} onClick={() => setConfirmRotate(true)}>
          {t('configs.rotate')}
        </Button>
        <ConfirmDialog
          open={confirmRotate}
          onOpenChange={setConfirmRotate}
          title={t('configs.rotateTitle')}
          description={t('configs.rotateText')}
          confirmLabel={t('configs.rotate')}
          destructive
          onConfirm={() => rotate.mutate()}
        />
      </section>
    </>
  );

  return (
    <Card aria-labelledby={`config-${config.type}-title`} className={styles.card}>
      <header className={styles.header}>
        <h2 id={`config-${config.type}-title`} className={styles.title}>
          {title}
        </h2>
        <Badge tone={STATUS_TONE[config.status]}>{t(`configs.status.${config.status}`)}</Badge>
      </header>

      <div className={styles.summary}>
        <p className={styles.days} data-testid="days-left">
          {config.status === 'expired' ? t('configs.expired') : t('configs.daysLeft', { count: config.days_left })}
        </p>
        <p className={styles.muted} data-testid="valid-to">
          {config.status === 'expired'
            ? t('configs.expiredOn', { date: formatDate(config.valid_to) })
            : t('configs.validUntil', { date: formatDate(config.valid_to) })}
        </p>
      </div>

      <div className={styles.usage}>
        <div className={styles.usageLine}>
          <span>{t('configs.traffic')}</span>
          <span className={styles.usageValue}>
            {unlimitedTraffic
              ? t('configs.usedUnlimited', { used: formatBytes(config.used_bytes) })
              : t('configs.usedOf', { used: formatBytes(config.used_bytes), total: formatBytes(limitBytes) })}
          </span>
        </div>
        {unlimitedTraffic ? null : (
          <Progress
            value={config.used_bytes}
            max={limitBytes}
            label={t('configs.traffic')}
            valueText={t('configs.usedOf', { used: formatBytes(config.used_bytes), total: formatBytes(limitBytes) })}
          />
        )}
        <ul className={styles.limits}>
          <li>
            {t('configs.devices')}:{' '}
            <strong>{config.limit_ip === 0 ? t('configs.unlimited') : config.limit_ip}</strong>
          </li>
          <li>
            {t('configs.trafficLimit')}:{' '}
            <strong>{unlimitedTraffic ? t('configs.unlimited') : t('configs.gb', { count: config.total_gb })}</strong>
          </li>
        </ul>
        {config.last_synced_at ? (
          <p className={styles.muted}>{t('configs.syncedAt', { time: formatDateTime(config.last_synced_at) })}</p>
        ) : null}
      </div>

      {config.status === 'expired' || config.status === 'disabled' ? (
        <>
          {requests}
          {connect}
        </>
      ) : (
        <>
          {connect}
          {requests}
        </>
      )}

      <LimitsRequestDialog
        open={limitsOpen}
        onOpenChange={setLimitsOpen}
        config={config}
        service={service}
        onSent={() => {
          setLimitsOpen(false);
          setNotice('limits');
        }}
      />
    </Card>
  );
}

function PendingNotice({ pending }: { pending: PendingRequest }) {
  const { t } = useTranslation();
  const date = formatDateTime(pending.created_at);
  if (pending.kind === 'renew_config') {
    return (
      <Alert tone="info" title={t('configs.pending.renewTitle')}>
        <p>{t('configs.pending.since', { date })}</p>
      </Alert>
    );
  }
  const parts: string[] = [];
  const { total_gb: totalGb, limit_ip: limitIp } = pending.payload as { total_gb?: number; limit_ip?: number };
  if (typeof totalGb === 'number') {
    parts.push(`${t('configs.trafficLimit')}: ${totalGb === 0 ? t('configs.unlimited') : t('configs.gb', { count: totalGb })}`);
  }
  if (typeof limitIp === 'number') {
    parts.push(`${t('configs.devices')}: ${limitIp === 0 ? t('configs.unlimited') : limitIp}`);
  }
  return (
    <Alert tone="info" title={t('configs.pending.limitsTitle')}>
      {parts.length ? <p>{parts.join(' · ')}</p> : null}
      <p>{t('configs.pending.since', { date })}</p>
    </Alert>
  );
}
