import { DropdownMenu } from 'radix-ui';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { paths } from '@/config/paths';
import { useLogout } from '@/features/auth/hooks/use-logout';
import { hasMinRole } from '@/features/auth/roles';
import type { Me } from '@/lib/api/types';

import styles from './AppLayout.module.css';

export function UserMenu({ user }: { user: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const logout = useLogout();
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className={styles.userButton} aria-label={t('nav.userMenu', { login: user.login })}>
        <span aria-hidden="true" className={styles.avatar}>
          {user.login.slice(0, 1).toUpperCase()}
        </span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className={styles.menu} align="end" sideOffset={6}>
          <DropdownMenu.Label className={styles.menuLabel}>{user.login}</DropdownMenu.Label>
          <DropdownMenu.Item className={styles.menuItem} onSelect={() => void navigate(paths.account.getHref())}>
            {t('nav.account')}
          </DropdownMenu.Item>
          {hasMinRole(user.role, 'admin') ? (
            <DropdownMenu.Item className={styles.menuItem} onSelect={() => void navigate(paths.admin.getHref())}>
              {t('nav.admin')}
            </DropdownMenu.Item>
          ) : null}
          <DropdownMenu.Separator className={styles.menuSeparator} />
          <DropdownMenu.Item className={styles.menuItem} onSelect={() => void logout()}>
            {t('nav.logout')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
