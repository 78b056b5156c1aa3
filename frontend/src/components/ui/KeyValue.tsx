import type { ReactNode } from 'react';

import styles from './KeyValue.module.css';

/** Label/value pairs (`<dl>`), two columns from 480px up. */
export function KeyValue({ items }: { items: { label: ReactNode; value: ReactNode; key?: string }[] }) {
  return (
    <dl className={styles.list}>
      {items.map((item, index) => (
        <div key={item.key ?? index} className={styles.row}>
          <dt className={styles.label}>{item.label}</dt>
          <dd className={styles.value}>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
