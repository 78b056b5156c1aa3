import type { Profile, ProfilePatch } from '@/lib/api/types';
import { apiClient } from '@/lib/api/typed-client';

/** `PATCH /api/auth/v1/account/profile` (partial) → the updated profile. */
export function updateProfile(patch: ProfilePatch): Promise<Profile> {
  return apiClient.patch('/api/auth/v1/account/profile', { body: patch });
}
