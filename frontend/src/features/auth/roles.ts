import type { Role } from '@/lib/api/types';

/** Lower weight = more rights (DESIGN §3). */
export const ROLE_WEIGHT: Record<Role, number> = { superuser: 0, admin: 1, user: 2 };

/** True when `role` has at least the rights of `minRole`. Unknown roles have none. */
export function hasMinRole(role: string, minRole: Role): boolean {
  const weight = (ROLE_WEIGHT as Record<string, number | undefined>)[role];
  return weight !== undefined && weight <= ROLE_WEIGHT[minRole];
}
