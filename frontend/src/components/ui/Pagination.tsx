import { useTranslation } from 'react-i18next';

import { Button } from './Button';
import styles from './Pagination.module.css';

/** Previous / "page X of Y (N)" / next. Hidden when everything fits on one page. */
export function Pagination({
  page,
  pages,
  total,
  onPageChange,
}: {
  page: number;
  pages: number;
  total: number;
  onPageChange: (page: number) => void;
}) {
  const { t } = useTranslation();
  if (pages <= 1) return null;
  return (
    <nav className={styles.pagination} aria-label={t('common.pagination')}>
      <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
        {t('common.prev')}
      </Button>
      <span className={styles.status}>{t('common.pageOf', { page, pages, total })}</span>
      <Button variant="secondary" size="sm" disabled={page >= pages} onClick={() => onPageChange(page + 1)}>
        {t('common.next')}
      </Button>
    </nav>
  );
}
