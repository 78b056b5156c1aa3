import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { CopyButton } from '@/components/ui/CopyButton';
import { ConfirmDialog } from '@/components/ui/Dialog';
import { KeyValue } from '@/components/ui/KeyValue';
import { Progress } from '@/components/ui/Progress';
import { Loading, QueryError } from '@/components/ui/QueryState';
import { TextField } from '@/components/ui/TextField';
import { paths } from '@/config/paths';
import type { AdminConfigRead } from '@/lib/api/types';
import { formatBytes, formatDateTime, gibToBytes } from '@/lib/format';
import { fieldErrorText } from '@/lib/forms/field-error';
import { applyServerFieldErrors } from '@/lib/forms/server-errors';
import { errorMessage } from '@/lib/i18n/error-message';

import { useAdminConfig, useConfigAction, type ConfigAction } from '../api/admin-api';
import { CONFIG_STATUS_TONE } from './labels';
import styles from './admin.module.css';

const whole = (max: number) => (value: string) => {
  if (!value.trim()) return true;
  if (!/^\d+$/.test(value.trim())) return 'configs.limits.wholeNumber';
  return Number(value) <= max || 'configs.limits.atMost';
};

/** One config for an admin: state, time (add/remove), limits, enable/disable, reset traffic. */
export function AdminConfigDetail({ configId }: { configId: string }) {
  const { t } = useTranslation();
  const query = useAdminConfig(configId);
  const action = useConfigAction(configId);
  const [confirmReset, setConfirmReset] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  if (query.isPending) return <Loading />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  const config = query.data;

  const run = (next: ConfigAction, message: string) =>
    action.mutateAsync(next).then(() => {
      setDone(message);
    });

  return (
    <div className={styles.stack}>
      <Card>
        <div className={styles.head}>
          <h2 className={styles.title}>
            <Link to={paths.adminUser.getHref(config.user_id)}>{config.login}</Link> · {config.type.toUpperCase()}
          </h2>
          <Badge tone={CONFIG_STATUS_TONE[config.status]}>{t(`configs.status.${config.status}`)}</Badge>
        </div>
        <Usage config={config} />
        <KeyValue
          items={[
            { label: t('admin.configs.validFrom'), value: formatDateTime(config.valid_from) },
            { label: t('admin.configs.validTo'), value: formatDateTime(config.valid_to) },
            { label: t('admin.configs.daysLeft'), value: config.days_left },
            { label: t('configs.devices'), value: config.limit_ip || t('configs.unlimited') },
            { label: t('admin.configs.upDown'), value: `${formatBytes(config.up_bytes)} / ${formatBytes(config.down_bytes)}` },
            { label: t('admin.configs.email'), value: config.client_email },
            { label: t('admin.configs.inbound'), value: config.inbound_id },
            { label: t('admin.configs.synced'), value: formatDateTime(config.last_synced_at) },
          ]}
        />
        {config.pending_request ? (
          <Alert tone="info">
            {t('admin.configs.pending', { kind: t(`admin.requestKinds.${config.pending_request.kind}`) })}{' '}
            <Link to={`${paths.admin.getHref('requests')}?status=new`}>{t('admin.configs.toQueue')}</Link>
          </Alert>
        ) : null}
        {config.connection_url ? (
          <>
            <code className={styles.code}>{config.connection_url}</code>
            <div className={styles.actions}>
              <CopyButton size="sm" text={config.connection_url} label={t('configs.copyLink')} />
              <CopyButton size="sm" text={config.subscription_url} label={t('configs.copySubscription')} />
            </div>
          </>
        ) : null}
      </Card>

      {done ? <Alert tone="success">{done}</Alert> : null}
      {action.isError ? <Alert tone="error">{errorMessage(action.error, t)}</Alert> : null}

      <div className={`${styles.list} ${styles.twoCols}`}>
        <TimeForm
          pending={action.isPending}
          onSubmit={(kind, body) =>
            run({ kind, body }, kind === 'addTime' ? t('admin.configs.timeAdded') : t('admin.configs.timeRemoved'))
          }
        />
        <LimitsForm config={config} pending={action.isPending} onSubmit={(body) => run({ kind: 'limits', body }, t('admin.configs.limitsSaved'))} />
      </div>

      <Card>
        <h3 className={styles.sectionTitle}>{t('admin.configs.state')}</h3>
        <div className={styles.actions}>
          {config.status === 'disabled' ? (
            <Button loading={action.isPending} onClick={() => void run({ kind: 'enabled', enabled: true }, t('admin.configs.enabledDone')).catch(() => undefined)}>
              {t('admin.configs.enable')}
            </Button>
          ) : (
            <Button variant="secondary" loading={action.isPending} onClick={() => void run({ kind: 'enabled', enabled: false }, t('admin.configs.disabledDone')).catch(() => undefined)}>
              {t('admin.configs.disable')}
            </Button>
          )}
          <Button variant="secondary" disabled={action.isPending} onClick={() => setConfirmReset(true)}>
            {t('admin.configs.resetTraffic')}
          </Button>
        </div>
      </Card>
      <ConfirmDialog
        open={confirmReset}
        onOpenChange={setConfirmReset}
        title={t('admin.configs.resetTitle')}
        description={t('admin.configs.resetText', { used: formatBytes(config.used_bytes) })}
        confirmLabel={t('admin.configs.resetTraffic')}
        destructive
        onConfirm={() => void run({ kind: 'resetTraffic' }, t('admin.configs.trafficReset')).catch(() => undefined)}
      />
    </div>
  );
}

function Usage({ config }: { config: AdminConfigRead }) {
  const { t } = useTranslation();
  const limit = gibToBytes(config.total_gb);
  const text = config.total_gb
    ? t('configs.usedOf', { used: formatBytes(config.used_bytes), total: formatBytes(limit) })
    : t('configs.usedUnlimited', { used: formatBytes(config.used_bytes) });
  return (
    <div className={styles.decision} style={{ flexDirection: 'column', alignItems: 'stretch' }}>
      <span>{text}</span>
      {config.total_gb ? <Progress value={config.used_bytes} max={limit} label={t('configs.traffic')} valueText={text} /> : null}
    </div>
  );
}

interface TimeValues {
  days: string;
  hours: string;
}

function TimeForm({ pending, onSubmit }: { pending: boolean; onSubmit: (kind: 'addTime' | 'removeTime', body: { days: number; hours: number }) => Promise<void> }) {
  const { t } = useTranslation();
  const {
    register,
    handleSubmit,
    reset,
    setError,
    formState: { errors },
  } = useForm<TimeValues>({ defaultValues: { days: '30', hours: '' } });
  const submit = (kind: 'addTime' | 'removeTime') =>
    handleSubmit(async (values) => {
      const days = Number(values.days || 0);
      const hours = Number(values.hours || 0);
      if (days === 0 && hours === 0) {
        setError('days', { type: 'client', message: 'admin.configs.timeEmpty' });
        return;
      }
      try {
        await onSubmit(kind, { days, hours });
        reset();
      } catch (error) {
        applyServerFieldErrors(error, setError, ['days', 'hours']);
      }
    });
  return (
    <Card>
      <h3 className={styles.sectionTitle}>{t('admin.configs.time')}</h3>
      <form className={styles.stack} noValidate onSubmit={(event) => event.preventDefault()}>
        <div className={styles.inline}>
          <TextField label={t('admin.configs.days')} inputMode="numeric" error={fieldErrorText(errors.days, t, { max: 365 })} {...register('days', { validate: whole(365) })} />
          <TextField label={t('admin.configs.hours')} inputMode="numeric" error={fieldErrorText(errors.hours, t, { max: 23 })} {...register('hours', { validate: whole(23) })} />
        </div>
        <div className={styles.actions}>
          <Button disabled={pending} onClick={() => void submit('addTime')()}>
            {t('admin.configs.addTime')}
          </Button>
          <Button variant="secondary" disabled={pending} onClick={() => void submit('removeTime')()}>
            {t('admin.configs.removeTime')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

interface LimitValues {
  total_gb: string;
  limit_ip: string;
}

function LimitsForm({ config, pending, onSubmit }: { config: AdminConfigRead; pending: boolean; onSubmit: (body: { total_gb?: number; limit_ip?: number }) => Promise<void> }) {
  const { t } = useTranslation();
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<LimitValues>({ values: { total_gb: String(config.total_gb), limit_ip: String(config.limit_ip) } });
  const save = handleSubmit(async (values) => {
    try {
      await onSubmit({ total_gb: Number(values.total_gb), limit_ip: Number(values.limit_ip) });
    } catch (error) {
      applyServerFieldErrors(error, setError, ['total_gb', 'limit_ip']);
    }
  });
  return (
    <Card>
      <h3 className={styles.sectionTitle}>{t('admin.configs.limits')}</h3>
      <form className={styles.stack} noValidate onSubmit={(event) => void save(event)}>
        <div className={styles.inline}>
          <TextField
            label={t('admin.configs.totalGb')}
            hint={t('admin.configs.zeroUnlimited')}
            inputMode="numeric"
            error={fieldErrorText(errors.total_gb, t, { max: 100000 })}
            {...register('total_gb', { required: 'auth.validation.required', validate: whole(100_000) })}
          />
          <TextField
            label={t('admin.configs.limitIp')}
            hint={t('admin.configs.zeroUnlimited')}
            inputMode="numeric"
            error={fieldErrorText(errors.limit_ip, t, { max: 100 })}
            {...register('limit_ip', { required: 'auth.validation.required', validate: whole(100) })}
          />
        </div>
        <div>
          <Button type="submit" disabled={pending}>
            {t('admin.configs.saveLimits')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
