import type { BadgeTone } from '@/components/ui/Badge';
import type { ConfigStatus, NotificationStatus, RequestStatus, UserStatus } from '@/lib/api/types';

export const REQUEST_STATUS_TONE: Record<RequestStatus, BadgeTone> = { new: 'info', applied: 'success', denied: 'danger' };
export const USER_STATUS_TONE: Record<UserStatus, BadgeTone> = {
  not_verified: 'neutral',
  verification_pending: 'warning',
  verified: 'success',
};
export const CONFIG_STATUS_TONE: Record<ConfigStatus, BadgeTone> = {
  active: 'success',
  update_pending: 'info',
  expired: 'danger',
  disabled: 'neutral',
};
export const NOTIFICATION_STATUS_TONE: Record<NotificationStatus, BadgeTone> = {
  pending: 'neutral',
  sending: 'info',
  sent: 'success',
  failed: 'warning',
  dead: 'danger',
};

export const REQUEST_KINDS = ['verify', 'reset_password', 'update_config', 'renew_config'] as const;
export const REQUEST_STATUSES = ['new', 'applied', 'denied'] as const;
export const USER_STATUSES = ['not_verified', 'verification_pending', 'verified'] as const;
export const ROLES = ['user', 'admin', 'superuser'] as const;
export const CONFIG_STATUSES = ['active', 'update_pending', 'expired', 'disabled'] as const;
export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed', 'dead'] as const;
export const NOTIFICATION_CHANNELS = ['telegram', 'email', 'in_app'] as const;
export const TARGET_TYPES = ['user', 'config', 'request', 'news', 'session', 'notification', 'settings'] as const;
