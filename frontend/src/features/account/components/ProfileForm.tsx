import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { SelectField } from '@/components/ui/SelectField';
import { TextField } from '@/components/ui/TextField';
import { useSessionStore } from '@/features/auth/stores/session-store';
import { validateEmail } from '@/features/auth/validation';
import type { LangCode, Me, ProfilePatch } from '@/lib/api/types';
import { fieldErrorText } from '@/lib/forms/field-error';
import { applyServerFieldErrors } from '@/lib/forms/server-errors';
import { chooseLanguage, currentLanguage } from '@/lib/i18n';
import { errorMessage } from '@/lib/i18n/error-message';

import { updateProfile } from '../api/update-profile';
import styles from './Account.module.css';

interface ProfileValues {
  first_name: string;
  last_name: string;
  email: string;
  lang_code: LangCode;
}

const FIELDS = ['first_name', 'last_name', 'email', 'lang_code'] as const;

/**
 * Name, e-mail and language (`PATCH /auth/v1/account/profile`). Empty text clears a field
 * (`null`). The language is also what the notifier and the news feed use; saving a new one
 * switches the UI too.
 */
export function ProfileForm({ user }: { user: Me }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const [formError, setFormError] = useState<unknown>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isDirty },
  } = useForm<ProfileValues>({
    // Follows the stored profile (the header's language switch also writes it) without
    // dropping what the user is typing.
    values: {
      first_name: user.profile.first_name ?? '',
      last_name: user.profile.last_name ?? '',
      email: user.profile.email ?? '',
      lang_code: user.profile.lang_code,
    },
    resetOptions: { keepDirtyValues: true },
  });
  const mutation = useMutation({ mutationFn: updateProfile });

  const onSubmit = handleSubmit(async (values) => {
    setSaved(false);
    setFormError(null);
    const patch: ProfilePatch = {
      first_name: values.first_name.trim() || null,
      last_name: values.last_name.trim() || null,
      email: values.email.trim() || null,
      lang_code: values.lang_code,
    };
    try {
      const profile = await mutation.mutateAsync(patch);
      const { user: current, setUser } = useSessionStore.getState();
      if (current) setUser({ ...current, profile });
      if (profile.lang_code !== currentLanguage()) await chooseLanguage(profile.lang_code);
      setSaved(true);
    } catch (error) {
      if (!applyServerFieldErrors(error, setError, FIELDS)) setFormError(error);
    }
  });

  return (
    <form className={styles.form} onSubmit={(event) => void onSubmit(event)} noValidate>
      {saved ? <Alert tone="success">{t('account.profile.saved')}</Alert> : null}
      {formError !== null ? <Alert tone="error">{errorMessage(formError, t)}</Alert> : null}
      <div className={styles.grid}>
        <TextField
          label={t('account.profile.firstName')}
          autoComplete="given-name"
          maxLength={64}
          error={fieldErrorText(errors.first_name, t)}
          {...register('first_name')}
        />
        <TextField
          label={t('account.profile.lastName')}
          autoComplete="family-name"
          maxLength={64}
          error={fieldErrorText(errors.last_name, t)}
          {...register('last_name')}
        />
        <TextField
          label={t('account.profile.email')}
          type="email"
          autoComplete="email"
          inputMode="email"
          error={fieldErrorText(errors.email, t)}
          {...register('email', {
            validate: (value) => !value.trim() || validateEmail(value.trim()),
          })}
        />
        <SelectField
          label={t('account.profile.language')}
          hint={t('account.profile.languageHint')}
          options={[
            { value: 'ru', label: t('language.ru') },
            { value: 'en', label: t('language.en') },
          ]}
          {...register('lang_code')}
        />
      </div>
      <div>
        <Button type="submit" loading={mutation.isPending} disabled={!isDirty}>
          {t('account.profile.save')}
        </Button>
      </div>
    </form>
  );
}
