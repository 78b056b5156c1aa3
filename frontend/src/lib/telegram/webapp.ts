/**
 * Telegram Mini App glue, without loading Telegram's SDK.
 *
 * Telegram opens the Mini App URL with launch parameters in the hash (`#tgWebAppData=...&
 * tgWebAppThemeParams=...&tgWebAppVersion=...`). Its official script
 * (`https://telegram.org/js/telegram-web-app.js`) parses them into `window.Telegram.WebApp` and
 * adds the native bridge (ready/expand, theme events, BackButton...). This build cannot fetch
 * that script (offline CI, no third-party hosts) and does not hard-wire it, so:
 *  - if `window.Telegram.WebApp` exists (the deployment added the script tag, or the host
 *    injected it) we use it — initData, theme, `ready()`, `expand()`, `themeChanged`;
 *  - otherwise we read the same launch parameters from the URL hash ourselves, which is enough
 *    to log in and to follow the theme colours of the launch.
 * See frontend/README.md "Telegram Mini App".
 */

export interface TelegramWebAppUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export type TelegramThemeParams = Partial<Record<string, string>>;

/** The subset of `window.Telegram.WebApp` RayPort uses. */
export interface TelegramWebApp {
  initData: string;
  initDataUnsafe?: { user?: TelegramWebAppUser; start_param?: string };
  colorScheme?: 'light' | 'dark';
  themeParams?: TelegramThemeParams;
  version?: string;
  platform?: string;
  ready?: () => void;
  expand?: () => void;
  onEvent?: (event: string, handler: () => void) => void;
  offEvent?: (event: string, handler: () => void) => void;
}

declare global {
  interface Window {
    Telegram?: { WebApp?: TelegramWebApp };
  }
}

interface LaunchParams {
  initData: string;
  themeParams: TelegramThemeParams | null;
}

const LAUNCH_STORAGE_KEY = 'rayport.tg_launch';
let launch: LaunchParams | null = null;

function parseThemeParams(raw: string | null): TelegramThemeParams | null {
  try {
    return JSON.parse(raw ?? 'null') as TelegramThemeParams | null;
  } catch {
    return null;
  }
}

/**
 * Reads Telegram launch parameters from the URL hash (once, before the router rewrites the
 * URL) and keeps them in sessionStorage so an in-app reload still knows it runs in Telegram.
 */
export function captureLaunchParams(hash: string = window.location.hash): void {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const initData = params.get('tgWebAppData');
  if (initData) {
    launch = { initData, themeParams: parseThemeParams(params.get('tgWebAppThemeParams')) };
    try {
      sessionStorage.setItem(LAUNCH_STORAGE_KEY, JSON.stringify(launch));
    } catch {
      // storage unavailable: the in-memory copy still serves this page load
    }
    return;
  }
  try {
    const stored = sessionStorage.getItem(LAUNCH_STORAGE_KEY);
    launch = stored ? (JSON.parse(stored) as LaunchParams) : null;
  } catch {
    launch = null;
  }
}

/** Test hook and logout helper: forget captured launch parameters. */
export function resetLaunchParams(): void {
  launch = null;
  try {
    sessionStorage.removeItem(LAUNCH_STORAGE_KEY);
  } catch {
    // ignore
  }
}

export function getTelegramWebApp(): TelegramWebApp | null {
  return window.Telegram?.WebApp ?? null;
}

/** The raw, signed `initData` string to send to the API; empty outside Telegram. */
export function getTelegramInitData(): string {
  const fromSdk = getTelegramWebApp()?.initData;
  // The SDK object exists (with an empty initData) even in a plain browser.
  if (fromSdk) return fromSdk;
  return launch?.initData ?? '';
}

/** Inside Telegram = a non-empty `initData` (the SDK object exists in plain browsers too). */
export function isInTelegram(): boolean {
  return getTelegramInitData() !== '';
}

/** The Telegram client's language (`user.language_code`), if known. Unsigned; UI hint only. */
export function getTelegramLanguage(): string | null {
  const fromSdk = getTelegramWebApp()?.initDataUnsafe?.user?.language_code;
  if (fromSdk) return fromSdk;
  const initData = getTelegramInitData();
  if (!initData) return null;
  try {
    const user = JSON.parse(new URLSearchParams(initData).get('user') ?? 'null') as TelegramWebAppUser | null;
    return user?.language_code ?? null;
  } catch {
    return null;
  }
}

function themeParams(): TelegramThemeParams | null {
  return getTelegramWebApp()?.themeParams ?? launch?.themeParams ?? null;
}

function luminance(hex: string): number | null {
  const match = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!match?.[1]) return null;
  const value = parseInt(match[1], 16);
  const [r, g, b] = [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/**
 * Copies Telegram's theme into CSS variables `--tg-theme-<name>` (the names Telegram's own
 * script uses, e.g. `bg_color` → `--tg-theme-bg-color`) and sets `data-color-scheme` on
 * `<html>`. The stylesheet maps them onto RayPort's tokens with fallbacks.
 */
export function applyTelegramTheme(root: HTMLElement = document.documentElement): void {
  const params = themeParams();
  if (!params) return;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && /^#[0-9a-f]{3,8}$/i.test(value)) {
      root.style.setProperty(`--tg-theme-${name.replace(/_/g, '-')}`, value);
    }
  }
  const bgLuminance = params.bg_color ? luminance(params.bg_color) : null;
  const scheme =
    getTelegramWebApp()?.colorScheme ?? (bgLuminance !== null && bgLuminance < 0.5 ? 'dark' : 'light');
  root.dataset.colorScheme = scheme;
  root.dataset.telegram = 'true';
}

/**
 * Tells the Telegram client the app is ready (hides its placeholder), expands it to full
 * height and follows theme changes. Returns a cleanup function. No-op outside Telegram.
 */
export function startTelegramIntegration(): () => void {
  if (!isInTelegram()) return () => undefined;
  const webApp = getTelegramWebApp();
  applyTelegramTheme();
  webApp?.ready?.();
  webApp?.expand?.();
  const onThemeChanged = () => {
    applyTelegramTheme();
  };
  webApp?.onEvent?.('themeChanged', onThemeChanged);
  return () => webApp?.offEvent?.('themeChanged', onThemeChanged);
}
