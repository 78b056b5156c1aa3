import { FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES, type Language } from './resources';

/** The user's explicit choice in this browser (the language switch). */
export const LANGUAGE_STORAGE_KEY = 'rayport.lang';

/** `ru-RU`, `RU`, `ru_RU` → `ru`; unsupported or empty → null. */
export function normalizeLanguage(code: string | null | undefined): Language | null {
  if (!code) return null;
  const base = code.trim().toLowerCase().split(/[-_]/)[0];
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Language) : null;
}

export interface LanguageSources {
  /** `me.profile.lang_code` once logged in. */
  profile?: string | null;
  /** The explicit choice saved by the language switch. */
  stored?: string | null;
  /** Telegram's `user.language_code` inside the Mini App. */
  telegram?: string | null;
  /** `navigator.languages`. */
  browser?: readonly string[];
}

/**
 * Profile, then an explicit choice made in this browser, then Telegram, then the browser's
 * languages, then English. (Switching the language while logged in also writes the profile,
 * so profile and explicit choice agree.)
 */
export function resolveLanguage(sources: LanguageSources): Language {
  return (
    normalizeLanguage(sources.profile) ??
    normalizeLanguage(sources.stored) ??
    normalizeLanguage(sources.telegram) ??
    (sources.browser ?? []).map(normalizeLanguage).find((lang) => lang !== null) ??
    FALLBACK_LANGUAGE
  );
}

export function readStoredLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeLanguage(lang: Language): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, lang);
  } catch {
    // the choice lasts for this page only
  }
}
