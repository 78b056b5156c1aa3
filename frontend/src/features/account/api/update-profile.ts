import { api } from '@/lib/api/client';
import type { Profile, ProfilePatch } from '@/lib/api/types';

/** `PATCH /api/auth/v1/account/profile` (partial) → the updated profile. */
export function updateProfile(patch: ProfilePatch): Promise<Profile> {
  return api.patch<Profile>('/auth/v1/account/profile', patch);
}
