import type { TFunction } from 'i18next';
import type { FieldError } from 'react-hook-form';

/**
 * Text for a react-hook-form field error. Client-side rules store an i18n key as the message
 * (translated here, so a language switch re-translates); server errors (type `server`) are
 * shown verbatim.
 */
export function fieldErrorText(
  error: FieldError | undefined,
  t: TFunction,
  params?: Record<string, unknown>,
): string | undefined {
  if (!error?.message) return undefined;
  if (error.type === 'server') return error.message;
  return (t as unknown as (key: string, options?: Record<string, unknown>) => string)(error.message, params);
}
