import type { TFunction } from 'i18next';

import { isApiError } from '@/lib/api/errors';

/**
 * What to tell the user about a failed call. Codes whose meaning is generic get the UI's own
 * localised text; codes whose server message says something specific (`permission_denied`
 * "This account is deactivated", `conflict`, `validation_error`, unknown codes) show the
 * server's `message` (the client sends `Accept-Language`, so the back end may localise it).
 */
export function errorMessage(error: unknown, t: TFunction): string {
  if (!isApiError(error)) return t('errors.internal');
  switch (error.code) {
    case 'network_error':
      return t('errors.network');
    case 'unexpected_response':
      return error.status >= 500 || error.status === 0
        ? t('errors.unexpected', { status: error.status })
        : error.message;
    case 'internal_error':
      return error.requestId
        ? t('errors.internalWithId', { requestId: error.requestId })
        : t('errors.internal');
    case 'rate_limited':
      return error.retryAfter !== null
        ? t('errors.rateLimited', { count: error.retryAfter })
        : t('errors.rateLimitedNoTime');
    case 'not_authenticated':
      return t('errors.notAuthenticated');
    case 'permission_denied':
      return error.message || t('errors.permissionDenied');
    case 'user_not_verified':
      return t('errors.userNotVerified');
    case 'registration_disabled':
      return t('errors.registrationDisabled');
    case 'not_found':
      return t('errors.notFound');
    case 'xui_unavailable':
      return t('errors.xuiUnavailable');
    case 'xui_error':
      return t('errors.xuiError');
    case 'payload_too_large':
      return t('errors.payloadTooLarge');
    default:
      return error.message;
  }
}
