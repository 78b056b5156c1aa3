/** Number, byte and date formatting in the UI language (`<html lang>`, kept by lib/i18n). */

function locale(): string {
  return document.documentElement.lang || 'en';
}

const GIB = 1024 ** 3;

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** `1536` → `1.5 kB` / `1,5 кБ` (binary steps, as the panel counts; units in the UI language). */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) {
    // Intl's short "byte" is spelled out in English ("5 byte"): use the symbol.
    return `${new Intl.NumberFormat(locale()).format(value)} ${locale().startsWith('ru') ? 'Б' : 'B'}`;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return new Intl.NumberFormat(locale(), {
    style: 'unit',
    unit: BYTE_UNITS[unit],
    unitDisplay: 'short',
    maximumFractionDigits: digits,
  }).format(value);
}

export function gibToBytes(gib: number): number {
  return gib * GIB;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(date);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** `{ru, en}` → the text in `lang`, else the other language, else ''. */
export function pickLocalized(text: { ru?: string; en?: string } | null | undefined, lang: string): string {
  if (!text) return '';
  const primary = lang === 'ru' ? text.ru : text.en;
  return primary?.trim() ? primary : (lang === 'ru' ? text.en : text.ru) ?? '';
}
