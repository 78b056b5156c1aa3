import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { Button } from '@/components/ui/Button';

import styles from './admin.module.css';

/**
 * Secondary filters: folded behind a "Filters (n)" button on phones (they would push the
 * list below the fold), always shown from 640px up.
 */
export function FilterPanel({ active, children }: { active: number; children: ReactNode }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className={styles.filterPanel}>
      <Button
        variant="secondary"
        size="sm"
        className={styles.filterToggle}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((value) => !value)}
      >
        {active ? t('admin.filters.toggleActive', { count: active }) : t('admin.filters.toggle')}
      </Button>
      <div id={id} className={styles.filters} data-open={open}>
        {children}
      </div>
    </div>
  );
}
