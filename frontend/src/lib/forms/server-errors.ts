import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';

import { isApiError } from '@/lib/api/errors';

/**
 * Puts an ApiError's field messages (`validation_error` details, or `details.field` on other
 * codes) on the matching form fields (type `server`, so they render verbatim) and returns true
 * if at least one field took a message. Fields the form does not have are ignored here; show
 * the error's message at form level then.
 */
export function applyServerFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): boolean {
  if (!isApiError(error)) return false;
  let applied = false;
  for (const field of fields) {
    const message = error.fieldErrors[field];
    if (message) {
      setError(field, { type: 'server', message }, { shouldFocus: !applied });
      applied = true;
    }
  }
  return applied;
}
