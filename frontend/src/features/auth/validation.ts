/**
 * Client-side account rules, the same as the server's (`rayport.users.schemas`: login and
 * password rules live there). The server stays authoritative — its `validation_error` field
 * messages are shown as they come; these only save a round trip and explain the rule early.
 * Validators return an i18n key (rendered at display time so a language switch re-translates).
 */

export const LOGIN_MIN = 6;
export const LOGIN_MAX = 20;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export type ValidationKey =
  | 'auth.validation.required'
  | 'auth.validation.loginLength'
  | 'auth.validation.loginStart'
  | 'auth.validation.loginChars'
  | 'auth.validation.passwordLength'
  | 'auth.validation.passwordSpaces'
  | 'auth.validation.passwordMismatch'
  | 'auth.validation.passwordUnchanged'
  | 'auth.validation.emailInvalid';

/** Login: 6–20 characters, a Latin letter first, then Latin letters, digits, `_`. */
export function validateLogin(value: string): ValidationKey | true {
  if (!value) return 'auth.validation.required';
  if (!/^[A-Za-z]/.test(value)) return 'auth.validation.loginStart';
  if (!/^[A-Za-z0-9_]+$/.test(value)) return 'auth.validation.loginChars';
  if (value.length < LOGIN_MIN || value.length > LOGIN_MAX) return 'auth.validation.loginLength';
  return true;
}

/** New password: 8–128 characters, no whitespace at either end. */
export function validateNewPassword(value: string): ValidationKey | true {
  if (!value) return 'auth.validation.required';
  if (value.length < PASSWORD_MIN || value.length > PASSWORD_MAX) return 'auth.validation.passwordLength';
  if (value.trim() !== value) return 'auth.validation.passwordSpaces';
  return true;
}

export function validateEmail(value: string): ValidationKey | true {
  if (!value) return true; // optional
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? true : 'auth.validation.emailInvalid';
}
