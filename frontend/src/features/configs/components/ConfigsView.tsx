import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { Loading, QueryError } from '@/components/ui/QueryState';
import { Tabs } from '@/components/ui/Tabs';
import { VerificationRequired } from '@/features/auth/components/VerificationRequired';
import { hasMinRole } from '@/features/auth/roles';
import { useCurrentUser } from '@/features/auth/stores/session-store';
import { isApiError } from '@/lib/api/errors';
import type { ConfigType, ServiceSettings } from '@/lib/api/types';

import { CONFIG_TYPES, useConfigByType } from '../api/configs-api';
import { ConfigCard } from './ConfigCard';

/**
 * The configs screen: VLESS / Trojan tabs; opening a tab fetches (and, the first time,
 * creates) that config. Unverified users see the verification state instead (the API would
 * answer 403 `user_not_verified`; admins are exempt).
 */
export function ConfigsView({ service }: { service: Partial<ServiceSettings> | undefined }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [type, setType] = useState<ConfigType>('vless');
  const mayHaveConfigs = user !== null && (user.status === 'verified' || hasMinRole(user.role, 'admin'));

  if (!mayHaveConfigs) return <VerificationRequired />;

  return (
    <Tabs
      label={t('configs.typesLabel')}
      value={type}
      onValueChange={(value) => {
        setType(value as ConfigType);
      }}
      items={CONFIG_TYPES.map((item) => ({
        value: item,
        label: item === 'vless' ? 'VLESS' : 'Trojan',
        content: <ConfigPanel type={item} service={service} />,
      }))}
    />
  );
}

function ConfigPanel({ type, service }: { type: ConfigType; service: Partial<ServiceSettings> | undefined }) {
  const { t } = useTranslation();
  const query = useConfigByType(type);

  if (query.isPending) return <Loading label={t('configs.loading')} />;
  if (query.isError) {
    const { error } = query;
    if (isApiError(error) && error.code === 'user_not_verified') return <VerificationRequired />;
    if (isApiError(error) && error.code === 'xui_unavailable') {
      return (
        <Alert tone="warning" title={t('configs.panelDownTitle')}>
          <p>{t('configs.panelDownText')}</p>
          <Button variant="secondary" size="sm" loading={query.isFetching} onClick={() => void query.refetch()}>
            {t('common.retry')}
          </Button>
        </Alert>
      );
    }
    return <QueryError error={error} onRetry={() => void query.refetch()} />;
  }
  return <ConfigCard config={query.data} service={service} />;
}
