import { useTranslation } from 'react-i18next';

import { PlaceholderPanel } from '@/components/PlaceholderPanel';

/** Shell for `features/news` (`GET /api/backend/v1/news`). */
export function NewsRoute() {
  const { t } = useTranslation();
  return <PlaceholderPanel title={t('news.title')} intro={t('news.intro')} items={[t('news.items.list')]} />;
}
