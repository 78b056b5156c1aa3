import { describe, expect, it } from 'vitest';

import { i18n } from './index';
import { resolveLanguage } from './language';
import { compareLocales } from './locale-check';
import { en } from './locales/en';
import { ru } from './locales/ru';

describe('locale completeness', () => {
  it('ru and en have the same keys, plural forms and variables', () => {
    expect(compareLocales({ en, ru })).toEqual([]);
  });

  it('the check catches a key that exists in one language only (either direction)', () => {
    expect(compareLocales({ en: { a: 'A', b: { c: 'C' } }, ru: { a: 'А' } })).toEqual([
      'ru: missing "b.c" (present in en)',
    ]);
    expect(compareLocales({ en: { a: 'A' }, ru: { a: 'А', extra: 'Лишний' } })).toEqual([
      'en: missing "extra" (present in ru)',
    ]);
  });

  it('the check catches missing plural forms, variable mismatches and empty texts', () => {
    const problems = compareLocales({
      en: { n_one: '{{count}} day', n_other: '{{count}} days', greet: 'Hi {{name}}', e: 'x' },
      ru: { n_one: '{{count}} день', n_other: '{{count}} дня', greet: 'Привет {{login}}', e: ' ' },
    });
    expect(problems).toContain('ru: missing plural form "n_few"');
    expect(problems).toContain('ru: missing plural form "n_many"');
    expect(problems).toContain('ru: "greet" uses {{login}} but en uses {{name}}');
    expect(problems).toContain('ru: empty "e"');
  });

  it('Russian plurals resolve through i18next', () => {
    const t = i18n.getFixedT('ru');
    expect(t('errors.rateLimited', { count: 1 })).toContain('1 секунду');
    expect(t('errors.rateLimited', { count: 3 })).toContain('3 секунды');
    expect(t('errors.rateLimited', { count: 5 })).toContain('5 секунд');
    expect(i18n.getFixedT('en')('errors.rateLimited', { count: 1 })).toContain('1 second.');
  });
});

describe('resolveLanguage', () => {
  it('profile, then the explicit choice, then Telegram, then the browser, then English', () => {
    const all = { profile: 'en', stored: 'ru', telegram: 'ru', browser: ['ru-RU'] };
    expect(resolveLanguage(all)).toBe('en');
    expect(resolveLanguage({ ...all, profile: null, stored: 'en' })).toBe('en');
    expect(resolveLanguage({ ...all, profile: null, stored: null, telegram: 'en' })).toBe('en');
    expect(resolveLanguage({ profile: null, stored: null, telegram: null, browser: ['de-DE', 'ru-RU'] })).toBe('ru');
    expect(resolveLanguage({ telegram: 'uk', browser: ['fr'] })).toBe('en');
    expect(resolveLanguage({})).toBe('en');
  });
});
