import { ToggleGroup } from 'radix-ui';
import { useTranslation } from 'react-i18next';

import { updateProfile } from '@/features/account/api/update-profile';
import { useSessionStore } from '@/features/auth/stores/session-store';
import { chooseLanguage, currentLanguage, SUPPORTED_LANGUAGES, type Language } from '@/lib/i18n';

import styles from './AppLayout.module.css';

/**
 * RU/EN segmented switch. Remembers the choice in this browser and, when logged in, saves it
 * to the profile (the notifier writes to the user in that language).
 */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const value = currentLanguage();

  const onValueChange = async (next: string) => {
    // Radix sends '' when the pressed item is clicked again: keep the current language.
    if (!next || next === value) return;
    const lang = next as Language;
    await chooseLanguage(lang);
    const { user, setUser } = useSessionStore.getState();
    if (user && user.profile.lang_code !== lang) {
      try {
        await updateProfile({ lang_code: lang });
        setUser({ ...user, profile: { ...user.profile, lang_code: lang } });
      } catch {
        // the UI language changed anyway; the profile keeps the old value until next time
      }
    }
  };

  return (
    <ToggleGroup.Root
      type="single"
      value={value}
      onValueChange={(next) => void onValueChange(next)}
      aria-label={t('language.label')}
      className={styles.lang}
    >
      {SUPPORTED_LANGUAGES.map((lang) => (
        <ToggleGroup.Item key={lang} value={lang} aria-label={t(`language.${lang}`)} className={styles.langItem}>
          {lang.toUpperCase()}
        </ToggleGroup.Item>
      ))}
    </ToggleGroup.Root>
  );
}
