import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { Dialog, DialogActions } from '@/components/ui/Dialog';
import { TextField } from '@/components/ui/TextField';
import type { ConfigRead, LimitsBody, ServiceSettings } from '@/lib/api/types';
import { fieldErrorText } from '@/lib/forms/field-error';
import { applyServerFieldErrors } from '@/lib/forms/server-errors';
import { errorMessage } from '@/lib/i18n/error-message';

import { useLimitsRequest } from '../api/configs-api';
import styles from './ConfigCard.module.css';

interface LimitsValues {
  total_gb: string;
  limit_ip: string;
}

/** A whole number in [1, max] (max 0 = no cap). */
function rangeRule(max: number | undefined) {
  return (value: string) => {
    if (!value.trim()) return true;
    if (!/^\d+$/.test(value.trim())) return 'configs.limits.wholeNumber';
    const n = Number(value);
    if (n < 1) return 'configs.limits.atLeastOne';
    if (max && n > max) return 'configs.limits.atMost';
    return true;
  };
}

/**
 * Ask for other limits (`update-limits` → 202, the admin decides). Only changed values are
 * sent; the service maxima come from the public settings and are checked again by the API.
 */
export function LimitsRequestDialog({
  open,
  onOpenChange,
  config,
  service,
  onSent,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  config: ConfigRead;
  service: Partial<ServiceSettings> | undefined;
  onSent: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t('configs.limits.title')} description={t('configs.limits.text')}>
      {/* Mounted only while open: every opening starts from the config's current values. */}
      <LimitsForm
        config={config}
        service={service}
        onSent={onSent}
        onCancel={() => {
          onOpenChange(false);
        }}
      />
    </Dialog>
  );
}

function LimitsForm({
  config,
  service,
  onSent,
  onCancel,
}: {
  config: ConfigRead;
  service: Partial<ServiceSettings> | undefined;
  onSent: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const mutation = useLimitsRequest(config);
  const [formError, setFormError] = useState<unknown>(null);
  const maxGb = service?.max_total_gb ?? 0;
  const maxIp = service?.max_limit_ip ?? 0;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<LimitsValues>({
    defaultValues: { total_gb: config.total_gb ? String(config.total_gb) : '', limit_ip: config.limit_ip ? String(config.limit_ip) : '' },
  });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const body: LimitsBody = {};
    const totalGb = values.total_gb.trim() ? Number(values.total_gb) : null;
    const limitIp = values.limit_ip.trim() ? Number(values.limit_ip) : null;
    if (totalGb !== null && totalGb !== config.total_gb) body.total_gb = totalGb;
    if (limitIp !== null && limitIp !== config.limit_ip) body.limit_ip = limitIp;
    if (body.total_gb === undefined && body.limit_ip === undefined) {
      setFormError('nothing');
      return;
    }
    try {
      await mutation.mutateAsync(body);
      onSent();
    } catch (error) {
      if (!applyServerFieldErrors(error, setError, ['total_gb', 'limit_ip'])) setFormError(error);
    }
  });

  return (
    <form className={styles.usage} onSubmit={(event) => void onSubmit(event)} noValidate>
      {formError === 'nothing' ? (
        <Alert tone="warning">{t('configs.limits.nothingChanged')}</Alert>
      ) : formError !== null ? (
        <Alert tone="error">{errorMessage(formError, t)}</Alert>
      ) : null}
      <TextField
        label={t('configs.limits.trafficLabel')}
        hint={maxGb ? t('configs.limits.trafficHint', { max: maxGb }) : undefined}
        inputMode="numeric"
        error={fieldErrorText(errors.total_gb, t, { max: maxGb })}
        {...register('total_gb', { validate: rangeRule(maxGb) })}
      />
      <TextField
        label={t('configs.limits.devicesLabel')}
        hint={maxIp ? t('configs.limits.devicesHint', { max: maxIp }) : undefined}
        inputMode="numeric"
        error={fieldErrorText(errors.limit_ip, t, { max: maxIp })}
        {...register('limit_ip', { validate: rangeRule(maxIp) })}
      />
      <DialogActions>
        <Button variant="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" loading={mutation.isPending}>
          {t('configs.limits.submit')}
        </Button>
      </DialogActions>
    </form>
  );
}
