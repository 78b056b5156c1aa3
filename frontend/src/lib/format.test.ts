import { afterEach, describe, expect, it } from 'vitest';

import { formatBytes, pickLocalized } from './format';

describe('formatBytes', () => {
  afterEach(() => {
    document.documentElement.lang = 'en';
  });

  it('binary steps with units in the UI language', () => {
    document.documentElement.lang = 'en';
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GB');
    expect(formatBytes(123.4 * 1024 ** 2)).toBe('123 MB');
    document.documentElement.lang = 'ru';
    expect(formatBytes(0)).toBe('0 Б');
    expect(formatBytes(1536)).toBe('1,5 кБ');
    expect(formatBytes(50 * 1024 ** 3)).toBe('50 ГБ');
  });
});

describe('pickLocalized', () => {
  it('the UI language, else the other one', () => {
    expect(pickLocalized({ ru: 'Привет', en: 'Hello' }, 'ru')).toBe('Привет');
    expect(pickLocalized({ ru: '', en: 'Hello' }, 'ru')).toBe('Hello');
    expect(pickLocalized({ ru: 'Привет' }, 'en')).toBe('Привет');
    expect(pickLocalized(null, 'en')).toBe('');
  });
});

