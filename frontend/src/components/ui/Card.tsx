import type { ComponentProps } from 'react';

import styles from './Card.module.css';

/** A section surface (Telegram's "section" look). */
export function Card({ className, ...props }: ComponentProps<'section'>) {
  return <section className={[styles.card, className ?? ''].filter(Boolean).join(' ')} {...props} />;
}
