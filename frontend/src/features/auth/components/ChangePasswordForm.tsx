import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { TextField } from '@/components/ui/TextField';
import type { Me } from '@/lib/api/types';
import { fieldErrorText } from '@/lib/forms/field-error';
import { applyServerFieldErrors } from '@/lib/forms/server-errors';
import { errorMessage } from '@/lib/i18n/error-message';

import { changePassword } from '../api/auth-api';
import { reloadUser } from '../session';
import { useCurrentUser } from '../stores/session-store';
import { PASSWORD_MAX, PASSWORD_MIN, validateNewPassword } from '../validation';
import styles from './forms.module.css';

interface ChangePasswordValues {
  current_password: string;
  new_password: string;
  new_password_confirm: string;
}

const SERVER_FIELDS = ['current_password', 'new_password'] as const;
const PASSWORD_PARAMS = { min: PASSWORD_MIN, max: PASSWORD_MAX };

/**
 * Change own password (`POST /auth/v1/change-password` → 204; the server ends the user's other
 * sessions, this one stays). Also the forced step when `must_change_password` is set.
 */
export function ChangePasswordForm({ onSuccess }: { onSuccess?: (me: Me) => void }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const {
    register,
    handleSubmit,
    setError,
    getValues,
    trigger,
    reset,
    formState: { errors },
  } = useForm<ChangePasswordValues>({
    mode: 'onTouched',
    defaultValues: { current_password: '', new_password: '', new_password_confirm: '' },
  });
  // Telegram-only accounts have no password yet: nothing to confirm.
  const needsCurrent = user?.has_password !== false;
  const mutation = useMutation({
    mutationFn: async (values: ChangePasswordValues) => {
      await changePassword({
        ...(needsCurrent ? { current_password: values.current_password } : {}),
        new_password: values.new_password,
      });
      return reloadUser();
    },
  });

  const onSubmit = handleSubmit(async (values) => {
    setSubmitError(null);
    setDone(false);
    try {
      const me = await mutation.mutateAsync(values);
      reset();
      setDone(true);
      onSuccess?.(me);
    } catch (error) {
      if (!applyServerFieldErrors(error, setError, SERVER_FIELDS)) setSubmitError(error);
    }
  });

  return (
    <form className={styles.form} onSubmit={(event) => void onSubmit(event)} noValidate>
      {done ? <Alert tone="success">{t('auth.changePassword.success')}</Alert> : null}
      {submitError !== null ? <Alert tone="error">{errorMessage(submitError, t)}</Alert> : null}
      {needsCurrent ? (
        <TextField
          label={t('auth.changePassword.currentLabel')}
          type="password"
          autoComplete="current-password"
          error={fieldErrorText(errors.current_password, t)}
          {...register('current_password', { required: 'auth.validation.required' })}
        />
      ) : null}
      <TextField
        label={t('auth.changePassword.newLabel')}
        hint={t('auth.register.passwordHint', PASSWORD_PARAMS)}
        type="password"
        autoComplete="new-password"
        error={fieldErrorText(errors.new_password, t, PASSWORD_PARAMS)}
        {...register('new_password', {
          validate: (value) => {
            const result = validateNewPassword(value);
            if (result !== true) return result;
            return !needsCurrent || value !== getValues('current_password') || 'auth.validation.passwordUnchanged';
          },
          // Re-check the confirmation only once it has been typed (see RegisterForm).
          onChange: () => {
            if (getValues('new_password_confirm')) void trigger('new_password_confirm');
          },
        })}
      />
      <TextField
        label={t('auth.changePassword.confirmLabel')}
        type="password"
        autoComplete="new-password"
        error={fieldErrorText(errors.new_password_confirm, t)}
        {...register('new_password_confirm', {
          validate: (value) =>
            !value
              ? 'auth.validation.required'
              : value === getValues('new_password') || 'auth.validation.passwordMismatch',
        })}
      />
      <Button type="submit" block loading={mutation.isPending}>
        {mutation.isPending ? t('auth.changePassword.submitting') : t('auth.changePassword.submit')}
      </Button>
    </form>
  );
}
