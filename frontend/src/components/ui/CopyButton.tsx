import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { copyText } from '@/lib/clipboard';

import { Button, type ButtonProps } from './Button';

export interface CopyButtonProps extends Omit<ButtonProps, 'onClick' | 'children'> {
  text: string;
  label: string;
}

/** Copies `text`; says "Copied" (announced) for two seconds, or that copying failed. */
export function CopyButton({ text, label, variant = 'secondary', ...props }: CopyButtonProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => {
      setState('idle');
    }, 2000);
    return () => {
      clearTimeout(timer);
    };
  }, [state]);
  return (
    <Button
      variant={variant}
      {...props}
      onClick={() => {
        void copyText(text).then((ok) => {
          setState(ok ? 'copied' : 'failed');
        });
      }}
    >
      <span aria-live="polite">
        {state === 'copied' ? t('common.copied') : state === 'failed' ? t('common.copyFailed') : label}
      </span>
    </Button>
  );
}
