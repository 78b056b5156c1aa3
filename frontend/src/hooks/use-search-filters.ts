import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

import { useDebouncedValue } from './use-debounced-value';

/**
 * List filters and the page number kept in the URL (`?status=new&page=2`): back/forward,
 * reload and a shared link all show the same list. Changing a filter goes back to page 1.
 */
export function useSearchFilters<K extends string>(keys: readonly K[], defaults: Partial<Record<K, string>> = {}) {
  const [params, setParams] = useSearchParams();
  const values = useMemo(
    () => Object.fromEntries(keys.map((key) => [key, params.get(key) ?? defaults[key] ?? ''])) as Record<K, string>,
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keys/defaults are constants per call site
    [params],
  );
  const page = Math.max(1, Number(params.get('page')) || 1);

  const set = useCallback(
    (patch: Partial<Record<K | 'page', string | number>>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(patch) as [string, string | number | undefined][]) {
            const text = value === undefined ? '' : String(value);
            if (text === '' || (key === 'page' && text === '1')) next.delete(key);
            else next.set(key, text);
          }
          if (!('page' in patch)) next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return { values, page, set };
}

/**
 * The text box of one URL filter: what is typed shows at once, and the settled text goes into
 * the URL (`set({ [key]: text })`) once typing pauses, not per key.
 */
export function useDebouncedFilter<K extends string>(
  key: K,
  urlValue: string,
  set: (patch: Partial<Record<K | 'page', string | number>>) => void,
  delayMs = 350,
) {
  const [text, setText] = useState(urlValue);
  const debounced = useDebouncedValue(text.trim(), delayMs);
  const sent = useRef(urlValue);
  useEffect(() => {
    if (debounced === sent.current) return;
    sent.current = debounced;
    set({ [key]: debounced } as Partial<Record<K | 'page', string | number>>);
  }, [debounced, key, set]);
  return [text, setText] as const;
}

/** `''` → undefined, `'true'`/`'false'` → boolean (for `?active=true` style filters). */
export function parseBoolean(value: string): boolean | undefined {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
