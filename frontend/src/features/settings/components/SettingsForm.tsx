import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { CheckboxField } from '@/components/ui/CheckboxField';
import { TextField } from '@/components/ui/TextField';
import { isApiError } from '@/lib/api/errors';
import type { AllSettings, SettingsPatch } from '@/lib/api/types';
import { fieldErrorText } from '@/lib/forms/field-error';
import { errorMessage } from '@/lib/i18n/error-message';

import { useUpdateSettings } from '../api/all-settings';
import styles from './SettingsForm.module.css';

const NUMBER_FIELDS = ['promo_days', 'renew_days', 'base_total_gb', 'base_limit_ip', 'max_total_gb', 'max_limit_ip'] as const;
type NumberField = (typeof NUMBER_FIELDS)[number];

type SettingsValues = {
  registration_enabled: boolean;
  auto_verify_telegram: boolean;
} & Record<NumberField, string>;

function toValues(settings: AllSettings): SettingsValues {
  const service = settings.service;
  return {
    registration_enabled: settings.basic.registration_enabled,
    auto_verify_telegram: settings.basic.auto_verify_telegram,
    promo_days: String(service.promo_days),
    renew_days: String(service.renew_days),
    base_total_gb: String(service.base_total_gb),
    base_limit_ip: String(service.base_limit_ip),
    max_total_gb: String(service.max_total_gb),
    max_limit_ip: String(service.max_limit_ip),
  };
}

const wholeNumber = (value: string) => /^\d+$/.test(value.trim()) || 'settingsAdmin.wholeNumber';

/** The superuser's run-time settings. Only changed values are sent (`PATCH` is partial). */
export function SettingsForm({ settings }: { settings: AllSettings }) {
  const { t } = useTranslation();
  const mutation = useUpdateSettings();
  const [saved, setSaved] = useState(false);
  const [formError, setFormError] = useState<unknown>(null);
  const initial = toValues(settings);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isDirty },
  } = useForm<SettingsValues>({ defaultValues: initial });

  const onSubmit = handleSubmit(async (values) => {
    setSaved(false);
    setFormError(null);
    const patch: SettingsPatch = {};
    const basic: NonNullable<SettingsPatch['basic']> = {};
    if (values.registration_enabled !== initial.registration_enabled) basic.registration_enabled = values.registration_enabled;
    if (values.auto_verify_telegram !== initial.auto_verify_telegram) basic.auto_verify_telegram = values.auto_verify_telegram;
    const service: NonNullable<SettingsPatch['service']> = {};
    for (const field of NUMBER_FIELDS) {
      if (values[field].trim() !== initial[field]) service[field] = Number(values[field]);
    }
    if (Object.keys(basic).length) patch.basic = basic;
    if (Object.keys(service).length) patch.service = service;
    try {
      const next = await mutation.mutateAsync(patch);
      reset(toValues(next));
      setSaved(true);
    } catch (error) {
      // The API names fields by their body path (`service.max_total_gb`).
      let applied = false;
      if (isApiError(error)) {
        for (const field of NUMBER_FIELDS) {
          const message = error.fieldErrors[`service.${field}`] ?? error.fieldErrors[field];
          if (message) {
            setError(field, { type: 'server', message }, { shouldFocus: !applied });
            applied = true;
          }
        }
      }
      if (!applied) setFormError(error);
    }
  });

  const number = (field: NumberField, hint?: string) => (
    <TextField
      label={t(`settingsAdmin.fields.${field}`)}
      hint={hint}
      inputMode="numeric"
      error={fieldErrorText(errors[field], t)}
      {...register(field, { validate: wholeNumber })}
    />
  );

  return (
    <form className={styles.form} onSubmit={(event) => void onSubmit(event)} noValidate>
      {saved ? <Alert tone="success">{t('settingsAdmin.saved')}</Alert> : null}
      {formError !== null ? <Alert tone="error">{errorMessage(formError, t)}</Alert> : null}
      <Card>
        <h2 className={styles.title}>{t('settingsAdmin.basic')}</h2>
        <CheckboxField label={t('settingsAdmin.fields.registration_enabled')} {...register('registration_enabled')} />
        <CheckboxField
          label={t('settingsAdmin.fields.auto_verify_telegram')}
          hint={t('settingsAdmin.autoVerifyHint')}
          {...register('auto_verify_telegram')}
        />
      </Card>
      <Card>
        <h2 className={styles.title}>{t('settingsAdmin.service')}</h2>
        <p className={styles.muted}>{t('settingsAdmin.zeroMeans')}</p>
        <div className={styles.grid}>
          {number('promo_days', t('settingsAdmin.hints.promo_days'))}
          {number('renew_days', t('settingsAdmin.hints.renew_days'))}
          {number('base_total_gb')}
          {number('base_limit_ip')}
          {number('max_total_gb', t('settingsAdmin.hints.max'))}
          {number('max_limit_ip', t('settingsAdmin.hints.max'))}
        </div>
      </Card>
      <div>
        <Button type="submit" loading={mutation.isPending} disabled={!isDirty}>
          {t('settingsAdmin.save')}
        </Button>
      </div>
    </form>
  );
}
