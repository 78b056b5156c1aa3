import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

import { getTelegramLanguage } from '@/lib/telegram/webapp';

import { normalizeLanguage, readStoredLanguage, resolveLanguage, storeLanguage } from './language';
import { FALLBACK_LANGUAGE, resources, SUPPORTED_LANGUAGES, type Language } from './resources';

export { SUPPORTED_LANGUAGES, type Language } from './resources';

export const i18n = i18next.createInstance();

function syncDocumentLanguage(lang: string): void {
  document.documentElement.lang = lang;
}

/** Initialises i18next synchronously (resources are bundled, both languages are small). */
export function initI18n(lang?: Language): typeof i18n {
  if (!i18n.isInitialized) {
    const initial =
      lang ??
      resolveLanguage({
        stored: readStoredLanguage(),
        telegram: getTelegramLanguage(),
        browser: typeof navigator !== 'undefined' ? navigator.languages : [],
      });
    i18n.on('languageChanged', syncDocumentLanguage);
    void i18n.use(initReactI18next).init({
      resources,
      lng: initial,
      fallbackLng: FALLBACK_LANGUAGE,
      supportedLngs: [...SUPPORTED_LANGUAGES],
      interpolation: { escapeValue: false }, // React escapes
      initAsync: false,
      returnNull: false,
    });
    syncDocumentLanguage(initial);
  } else if (lang && i18n.language !== lang) {
    void i18n.changeLanguage(lang);
  }
  return i18n;
}

export function currentLanguage(): Language {
  return normalizeLanguage(i18n.language) ?? FALLBACK_LANGUAGE;
}

/** The language switch: applies and remembers an explicit choice. */
export async function chooseLanguage(lang: Language): Promise<void> {
  storeLanguage(lang);
  await i18n.changeLanguage(lang);
}

/** After login: the profile's language wins over detection (not persisted as a choice). */
export async function applyProfileLanguage(code: string | null | undefined): Promise<void> {
  const lang = normalizeLanguage(code);
  if (lang && lang !== i18n.language) await i18n.changeLanguage(lang);
}
