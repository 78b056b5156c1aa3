import { useTranslation } from 'react-i18next';

import { PageLoader } from '@/components/ui/Spinner';

export function RouteLoader() {
  const { t } = useTranslation();
  return <PageLoader label={t('common.loading')} />;
}
