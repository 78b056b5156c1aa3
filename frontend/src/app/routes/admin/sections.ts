import type { Role } from '@/lib/api/types';

/** Admin sections (DESIGN §8), in menu order. `minRole` narrows below the admin guard where the API does. */
export const ADMIN_SECTIONS = [
  { id: 'requests', minRole: 'admin' },
  { id: 'users', minRole: 'admin' },
  { id: 'configs', minRole: 'admin' },
  { id: 'news', minRole: 'superuser' },
  { id: 'settings', minRole: 'superuser' },
  { id: 'sessions', minRole: 'admin' },
  { id: 'notifications', minRole: 'admin' },
  { id: 'audit', minRole: 'admin' },
  { id: 'xui', minRole: 'admin' },
] as const satisfies readonly { id: string; minRole: Role }[];

export type AdminSectionId = (typeof ADMIN_SECTIONS)[number]['id'];

export function findAdminSection(id: string | undefined) {
  return ADMIN_SECTIONS.find((section) => section.id === id) ?? null;
}
