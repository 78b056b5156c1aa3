import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { TextField } from '@/components/ui/TextField';
import { isApiError } from '@/lib/api/errors';
import type { LoginBody, Me } from '@/lib/api/types';
import { fieldErrorText } from '@/lib/forms/field-error';
import { applyServerFieldErrors } from '@/lib/forms/server-errors';
import { errorMessage } from '@/lib/i18n/error-message';

import { loginWithPassword } from '../api/auth-api';
import { signIn } from '../session';
import styles from './forms.module.css';

const FIELDS = ['login', 'password'] as const;

/** Password login. On success the session store holds the user; the page redirects. */
export function LoginForm({ onSuccess }: { onSuccess?: (me: Me) => void }) {
  const { t } = useTranslation();
  const [submitError, setSubmitError] = useState<unknown>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<LoginBody>({ defaultValues: { login: '', password: '' } });
  const mutation = useMutation({
    mutationFn: async (values: LoginBody) => signIn(await loginWithPassword(values)),
  });

  const onSubmit = handleSubmit(async (values) => {
    setSubmitError(null);
    try {
      const me = await mutation.mutateAsync({ login: values.login.trim(), password: values.password });
      onSuccess?.(me);
    } catch (error) {
      if (!applyServerFieldErrors(error, setError, FIELDS)) setSubmitError(error);
    }
  });

  const submitErrorText =
    submitError === null
      ? null
      : isApiError(submitError) && submitError.status === 401
        ? t('auth.login.invalidCredentials')
        : errorMessage(submitError, t);

  return (
    <form className={styles.form} onSubmit={(event) => void onSubmit(event)} noValidate>
      {submitErrorText ? <Alert tone="error">{submitErrorText}</Alert> : null}
      <TextField
        label={t('auth.login.loginLabel')}
        autoComplete="username"
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        error={fieldErrorText(errors.login, t)}
        {...register('login', { required: 'auth.validation.required' })}
      />
      <TextField
        label={t('auth.login.passwordLabel')}
        type="password"
        autoComplete="current-password"
        error={fieldErrorText(errors.password, t)}
        {...register('password', { required: 'auth.validation.required' })}
      />
      <Button type="submit" block loading={mutation.isPending}>
        {mutation.isPending ? t('auth.login.submitting') : t('auth.login.submit')}
      </Button>
    </form>
  );
}
