import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { TextField } from '@/components/ui/TextField';
import { isApiError } from '@/lib/api/errors';
import type { Me, RegisterBody } from '@/lib/api/types';
import { fieldErrorText } from '@/lib/forms/field-error';
import { applyServerFieldErrors } from '@/lib/forms/server-errors';
import { currentLanguage } from '@/lib/i18n';
import { errorMessage } from '@/lib/i18n/error-message';

import { register as registerAccount } from '../api/auth-api';
import { signIn } from '../session';
import {
  PASSWORD_MAX,
  PASSWORD_MIN,
  validateEmail,
  validateLogin,
  validateNewPassword,
} from '../validation';
import styles from './forms.module.css';

interface RegisterValues {
  login: string;
  password: string;
  password_confirm: string;
  email: string;
}

const SERVER_FIELDS = ['login', 'password', 'email'] as const;
const PASSWORD_PARAMS = { min: PASSWORD_MIN, max: PASSWORD_MAX };

export function RegistrationClosed() {
  const { t } = useTranslation();
  return (
    <Alert tone="warning" title={t('auth.register.disabledTitle')}>
      <p>{t('auth.register.disabledText')}</p>
    </Alert>
  );
}

/**
 * Sign-up form. Client rules mirror the server's (../validation.ts); the server's field
 * messages land on the fields; `registration_disabled` replaces the form with a clear notice.
 */
export function RegisterForm({ onSuccess }: { onSuccess?: (me: Me) => void }) {
  const { t } = useTranslation();
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [closed, setClosed] = useState(false);
  const {
    register,
    handleSubmit,
    setError,
    getValues,
    trigger,
    formState: { errors },
  } = useForm<RegisterValues>({
    mode: 'onTouched',
    defaultValues: { login: '', password: '', password_confirm: '', email: '' },
  });
  const mutation = useMutation({
    mutationFn: async (body: RegisterBody) => signIn(await registerAccount(body)),
  });

  const onSubmit = handleSubmit(async (values) => {
    setSubmitError(null);
    const email = values.email.trim();
    const body: RegisterBody = {
      login: values.login,
      password: values.password,
      lang_code: currentLanguage(),
      ...(email ? { email } : {}),
    };
    try {
      const me = await mutation.mutateAsync(body);
      onSuccess?.(me);
    } catch (error) {
      if (isApiError(error) && error.code === 'registration_disabled') {
        setClosed(true);
        return;
      }
      if (!applyServerFieldErrors(error, setError, SERVER_FIELDS)) setSubmitError(error);
    }
  });

  if (closed) return <RegistrationClosed />;

  return (
    <form className={styles.form} onSubmit={(event) => void onSubmit(event)} noValidate>
      {submitError !== null ? <Alert tone="error">{errorMessage(submitError, t)}</Alert> : null}
      <TextField
        label={t('auth.register.loginLabel')}
        hint={t('auth.register.loginHint')}
        autoComplete="username"
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        maxLength={40}
        error={fieldErrorText(errors.login, t)}
        {...register('login', { validate: validateLogin })}
      />
      <TextField
        label={t('auth.register.passwordLabel')}
        hint={t('auth.register.passwordHint', PASSWORD_PARAMS)}
        type="password"
        autoComplete="new-password"
        error={fieldErrorText(errors.password, t, PASSWORD_PARAMS)}
        {...register('password', {
          validate: validateNewPassword,
          // Re-check the confirmation only once it has been typed: `deps` would flag the
          // still-empty confirm field as "Required" while the user is on its way there, and the
          // message vanishing on blur moves the submit button from under the tap.
          onChange: () => {
            if (getValues('password_confirm')) void trigger('password_confirm');
          },
        })}
      />
      <TextField
        label={t('auth.register.passwordConfirmLabel')}
        type="password"
        autoComplete="new-password"
        error={fieldErrorText(errors.password_confirm, t)}
        {...register('password_confirm', {
          validate: (value) =>
            !value
              ? 'auth.validation.required'
              : value === getValues('password') || 'auth.validation.passwordMismatch',
        })}
      />
      <TextField
        label={
          <>
            {t('auth.register.emailLabel')} <small>({t('common.optional')})</small>
          </>
        }
        hint={t('auth.register.emailHint')}
        type="email"
        inputMode="email"
        autoComplete="email"
        autoCapitalize="none"
        error={fieldErrorText(errors.email, t)}
        {...register('email', { validate: validateEmail })}
      />
      <Button type="submit" block loading={mutation.isPending}>
        {mutation.isPending ? t('auth.register.submitting') : t('auth.register.submit')}
      </Button>
    </form>
  );
}
