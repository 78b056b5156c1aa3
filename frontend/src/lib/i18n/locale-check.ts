import type { LocaleMessages } from './resources';

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** `{a: {b: 'x'}}` → `{'a.b': 'x'}`. */
export function flattenMessages(messages: LocaleMessages, prefix = ''): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') flat[path] = value;
    else Object.assign(flat, flattenMessages(value, path));
  }
  return flat;
}

function variables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1] ?? '').sort();
}

/**
 * Everything that differs between locales, as human-readable lines (empty = complete):
 * keys present in one and not the other (plural forms compared by base key), plural forms a
 * language needs (Intl.PluralRules) but lacks, `{{variables}}` that differ, empty strings.
 */
export function compareLocales(locales: Record<string, LocaleMessages>): string[] {
  const problems: string[] = [];
  const flat = Object.fromEntries(Object.entries(locales).map(([lang, m]) => [lang, flattenMessages(m)]));
  const baseKeys = (keys: string[]) => new Set(keys.map((k) => k.replace(PLURAL_SUFFIX, '')));
  const langs = Object.keys(flat);

  for (const lang of langs) {
    const mine = baseKeys(Object.keys(flat[lang] ?? {}));
    for (const other of langs) {
      if (other === lang) continue;
      for (const key of baseKeys(Object.keys(flat[other] ?? {}))) {
        if (!mine.has(key)) problems.push(`${lang}: missing "${key}" (present in ${other})`);
      }
    }
  }

  for (const lang of langs) {
    const messages = flat[lang] ?? {};
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    const pluralBases = new Set(
      Object.keys(messages)
        .filter((k) => PLURAL_SUFFIX.test(k))
        .map((k) => k.replace(PLURAL_SUFFIX, '')),
    );
    for (const base of pluralBases) {
      for (const category of categories) {
        if (!(`${base}_${category}` in messages)) problems.push(`${lang}: missing plural form "${base}_${category}"`);
      }
    }
    for (const [key, text] of Object.entries(messages)) {
      if (!text.trim()) problems.push(`${lang}: empty "${key}"`);
    }
  }

  const [first, ...rest] = langs;
  if (first) {
    const reference = flat[first] ?? {};
    for (const lang of rest) {
      const messages = flat[lang] ?? {};
      for (const [key, text] of Object.entries(reference)) {
        const counterpart = messages[key] ?? messages[`${key.replace(PLURAL_SUFFIX, '')}_other`];
        if (counterpart === undefined) continue;
        const a = variables(text).filter((v) => v !== 'count');
        const b = variables(counterpart).filter((v) => v !== 'count');
        if (a.join() !== b.join()) {
          problems.push(`${lang}: "${key}" uses {{${b.join(', ')}}} but ${first} uses {{${a.join(', ')}}}`);
        }
      }
    }
  }
  return problems;
}
