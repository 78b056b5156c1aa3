import type { ComponentProps, ReactNode } from 'react';

import styles from './Field.module.css';

export interface CheckboxFieldProps extends Omit<ComponentProps<'input'>, 'type'> {
  label: ReactNode;
  hint?: ReactNode;
}

/** A checkbox whose whole row is the tap target. */
export function CheckboxField({ label, hint, className, ...props }: CheckboxFieldProps) {
  return (
    <label className={[styles.check, className ?? ''].filter(Boolean).join(' ')}>
      <input type="checkbox" {...props} />
      <span className={styles.checkText}>
        <span>{label}</span>
        {hint ? <span className={styles.hint}>{hint}</span> : null}
      </span>
    </label>
  );
}
