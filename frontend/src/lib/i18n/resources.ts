import { en } from './locales/en';
import { ru } from './locales/ru';

/** A locale: nested objects whose leaves are strings. */
export interface LocaleMessages {
  [key: string]: string | LocaleMessages;
}

export const SUPPORTED_LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = 'en';

export const resources = {
  en: { translation: en },
  ru: { translation: ru },
} as const satisfies Record<Language, { translation: LocaleMessages }>;
