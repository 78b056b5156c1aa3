/**
 * Telegram Login Widget (outside the Mini App), in redirect mode.
 *
 * The widget is Telegram's script (`telegram-widget.js`) plus an iframe from
 * oauth.telegram.org; the bot's domain must be registered with @BotFather (`/setdomain`).
 * Its callback mode (`data-onauth`) evaluates a string of code, which RayPort's CSP forbids
 * (no `unsafe-eval`), so the widget runs in redirect mode (`data-auth-url`): after the user
 * confirms, Telegram sends the browser to that URL with the signed fields in the query
 * (`id, first_name, last_name, username, photo_url, auth_date, hash`). The page there reads
 * them (`readWidgetAuth`), posts them to the API and removes them from the URL.
 */
import type { TelegramWidgetBody } from '@/lib/api/types';

export const TELEGRAM_WIDGET_SRC = 'https://telegram.org/js/telegram-widget.js?22';

const WIDGET_FIELDS = ['id', 'first_name', 'last_name', 'username', 'photo_url', 'auth_date', 'hash'] as const;

/** The signed widget fields from a query string, or null when they are not (all) there. */
export function readWidgetAuth(params: URLSearchParams): TelegramWidgetBody | null {
  const id = params.get('id');
  const hash = params.get('hash');
  const authDate = params.get('auth_date');
  const firstName = params.get('first_name');
  if (!id || !hash || !authDate || firstName === null || !/^\d+$/.test(id) || !/^\d+$/.test(authDate)) return null;
  const body: TelegramWidgetBody = { id: Number(id), first_name: firstName, auth_date: Number(authDate), hash };
  const lastName = params.get('last_name');
  const username = params.get('username');
  const photoUrl = params.get('photo_url');
  if (lastName !== null) body.last_name = lastName;
  if (username !== null) body.username = username;
  if (photoUrl !== null) body.photo_url = photoUrl;
  return body;
}

/** `params` without the widget's fields (to clean the URL after use). */
export function withoutWidgetAuth(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const field of WIDGET_FIELDS) next.delete(field);
  return next;
}

/**
 * Mounts the widget's script into `container`. `onError` runs when the script cannot be loaded
 * (offline, blocked). Returns a cleanup that removes what was mounted.
 */
export function mountLoginWidget(
  container: HTMLElement,
  options: { botUsername: string; authUrl: string; onError?: () => void },
): () => void {
  const script = document.createElement('script');
  script.async = true;
  script.src = TELEGRAM_WIDGET_SRC;
  script.dataset.telegramLogin = options.botUsername;
  script.dataset.size = 'large';
  script.dataset.radius = '8';
  script.dataset.authUrl = options.authUrl;
  script.dataset.requestAccess = 'write';
  script.addEventListener('error', () => options.onError?.());
  container.appendChild(script);
  return () => {
    container.replaceChildren();
  };
}
