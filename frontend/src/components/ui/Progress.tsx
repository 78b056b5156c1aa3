import { Progress as RadixProgress } from 'radix-ui';

import styles from './Progress.module.css';

export interface ProgressProps {
  /** 0..max; values above max are shown full. */
  value: number;
  max: number;
  /** Accessible name, e.g. "Traffic used". */
  label: string;
  /** Text read out instead of a bare percentage. */
  valueText?: string;
}

/** A horizontal meter (Radix Progress: `role="progressbar"` with aria values). */
export function Progress({ value, max, label, valueText }: ProgressProps) {
  const safeMax = max > 0 ? max : 1;
  const clamped = Math.min(Math.max(value, 0), safeMax);
  const ratio = clamped / safeMax;
  const tone = ratio >= 0.9 ? styles.danger : ratio >= 0.75 ? styles.warning : '';
  return (
    <RadixProgress.Root
      className={styles.root}
      value={clamped}
      max={safeMax}
      aria-label={label}
      getValueLabel={valueText ? () => valueText : undefined}
    >
      <RadixProgress.Indicator className={`${styles.indicator} ${tone}`} style={{ width: `${ratio * 100}%` }} />
    </RadixProgress.Root>
  );
}
