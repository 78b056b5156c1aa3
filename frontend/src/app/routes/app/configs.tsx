import { useTranslation } from 'react-i18next';

import { ConfigsView } from '@/features/configs/components/ConfigsView';
import { usePublicSettings } from '@/features/settings/api/get-public-settings';

import styles from '../routes.module.css';

/** `/configs`: the user's VLESS and Trojan configs. */
export function ConfigsRoute() {
  const { t } = useTranslation();
  const settings = usePublicSettings();
  return (
    <div className={styles.stack}>
      <header>
        <h1>{t('configs.title')}</h1>
        <p className={styles.lead}>{t('configs.intro')}</p>
      </header>
      <ConfigsView service={settings.data?.service} />
    </div>
  );
}
