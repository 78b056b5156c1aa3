import { describe, expect, it, vi } from 'vitest';

import {
  applyTelegramTheme,
  captureLaunchParams,
  getTelegramInitData,
  getTelegramLanguage,
  isInTelegram,
  startTelegramIntegration,
} from './webapp';

const INIT_DATA =
  'query_id=AAH&user=%7B%22id%22%3A42%2C%22first_name%22%3A%22Ann%22%2C%22language_code%22%3A%22ru%22%7D&auth_date=1700000000&signature=sig&hash=abc123';

describe('Telegram Mini App', () => {
  it('is off in a plain browser, even if the SDK object exists with empty initData', () => {
    expect(isInTelegram()).toBe(false);
    window.Telegram = { WebApp: { initData: '' } };
    expect(isInTelegram()).toBe(false);
    expect(getTelegramInitData()).toBe('');
  });

  it('reads initData and language from window.Telegram.WebApp', () => {
    window.Telegram = {
      WebApp: { initData: INIT_DATA, initDataUnsafe: { user: { id: 42, first_name: 'Ann', language_code: 'en' } } },
    };
    expect(isInTelegram()).toBe(true);
    expect(getTelegramInitData()).toBe(INIT_DATA);
    expect(getTelegramLanguage()).toBe('en');
  });

  it('falls back to the launch parameters in the URL hash (no SDK script loaded)', () => {
    const hash = `#tgWebAppData=${encodeURIComponent(INIT_DATA)}&tgWebAppVersion=8.0&tgWebAppThemeParams=${encodeURIComponent(
      JSON.stringify({ bg_color: '#17212b', text_color: '#f5f5f5', button_color: '#5288c1' }),
    )}`;
    captureLaunchParams(hash);
    expect(getTelegramInitData()).toBe(INIT_DATA); // raw string, exactly as signed
    expect(getTelegramLanguage()).toBe('ru');

    applyTelegramTheme();
    const root = document.documentElement;
    expect(root.style.getPropertyValue('--tg-theme-bg-color')).toBe('#17212b');
    expect(root.style.getPropertyValue('--tg-theme-button-color')).toBe('#5288c1');
    expect(root.dataset.colorScheme).toBe('dark'); // derived from the dark background

    // An in-app reload loses the hash; the launch survives in sessionStorage.
    captureLaunchParams('');
    expect(getTelegramInitData()).toBe(INIT_DATA);
  });

  it('calls ready/expand, follows themeChanged and ignores non-colour values', () => {
    const handlers = new Map<string, () => void>();
    const webApp = {
      initData: INIT_DATA,
      colorScheme: 'light' as 'light' | 'dark',
      themeParams: { bg_color: '#ffffff', link_color: 'url(javascript:x)' } as Record<string, string>,
      ready: vi.fn(),
      expand: vi.fn(),
      onEvent: vi.fn((event: string, handler: () => void) => handlers.set(event, handler)),
      offEvent: vi.fn(),
    };
    window.Telegram = { WebApp: webApp };

    const stop = startTelegramIntegration();
    expect(webApp.ready).toHaveBeenCalledOnce();
    expect(webApp.expand).toHaveBeenCalledOnce();
    const root = document.documentElement;
    expect(root.style.getPropertyValue('--tg-theme-bg-color')).toBe('#ffffff');
    expect(root.style.getPropertyValue('--tg-theme-link-color')).toBe('');
    expect(root.dataset.colorScheme).toBe('light');

    webApp.colorScheme = 'dark';
    webApp.themeParams = { bg_color: '#000000' };
    handlers.get('themeChanged')?.();
    expect(root.style.getPropertyValue('--tg-theme-bg-color')).toBe('#000000');
    expect(root.dataset.colorScheme).toBe('dark');

    stop();
    expect(webApp.offEvent).toHaveBeenCalledWith('themeChanged', handlers.get('themeChanged'));
  });
});
