import styles from './Spinner.module.css';

export function Spinner({ size = 24, label }: { size?: number; label?: string }) {
  return (
    <span
      className={styles.spinner}
      style={{ width: size, height: size }}
      role={label ? 'status' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    />
  );
}

/** Centred spinner with a visible caption, for whole-page waits. */
export function PageLoader({ label }: { label: string }) {
  return (
    <div className={styles.page} role="status" aria-live="polite">
      <Spinner size={32} />
      <span>{label}</span>
    </div>
  );
}
