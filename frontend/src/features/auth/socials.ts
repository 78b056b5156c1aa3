import type { Me, Social } from '@/lib/api/types';

/** The user's Telegram link, if any. Telegram is the only social network today; the name
 *  check keeps this right when others are added. */
export function telegramSocial(user: Pick<Me, 'socials'>): Social | null {
  return user.socials.find((social) => (social.name as string) === 'telegram') ?? null;
}
