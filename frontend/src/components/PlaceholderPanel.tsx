import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { Card } from './ui/Card';
import styles from './PlaceholderPanel.module.css';

export interface PlaceholderPanelProps {
  title: ReactNode;
  intro?: ReactNode;
  /** What the finished screen will contain. */
  items: ReactNode[];
  children?: ReactNode;
}

/** Stand-in for a screen that a later slice fills in: says what will be here. */
export function PlaceholderPanel({ title, intro, items, children }: PlaceholderPanelProps) {
  const { t } = useTranslation();
  return (
    <div className={styles.stack}>
      <header className={styles.header}>
        <h1>{title}</h1>
        <span className={styles.badge}>{t('common.comingSoon')}</span>
      </header>
      {intro ? <p className={styles.intro}>{intro}</p> : null}
      {children}
      <Card>
        <p className={styles.lead}>{t('common.willShow')}</p>
        <ul className={styles.list}>
          {items.map((item, index) => (
            <li key={index}>{item}</li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
