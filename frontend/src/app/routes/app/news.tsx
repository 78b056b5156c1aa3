import { useTranslation } from 'react-i18next';

import { NewsFeed } from '@/features/news/components/NewsFeed';

import styles from '../routes.module.css';

/** `/news`: the published feed. */
export function NewsRoute() {
  const { t } = useTranslation();
  return (
    <div className={styles.stack}>
      <header>
        <h1>{t('news.title')}</h1>
        <p className={styles.lead}>{t('news.intro')}</p>
      </header>
      <NewsFeed />
    </div>
  );
}
