/** Every route path in one place; links and redirects use these, not string literals. */
export const paths = {
  home: { path: '/', getHref: () => '/' },
  login: {
    path: '/login',
    /** `next`: where to go after logging in (validated again on the way out). */
    getHref: (next?: string | null) =>
      next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login',
  },
  register: {
    path: '/register',
    getHref: (next?: string | null) =>
      next && next !== '/' ? `/register?next=${encodeURIComponent(next)}` : '/register',
  },
  configs: { path: '/configs', getHref: () => '/configs' },
  news: { path: '/news', getHref: () => '/news' },
  account: { path: '/account', getHref: () => '/account' },
  changePassword: {
    path: '/account/password',
    getHref: (next?: string | null) =>
      next ? `/account/password?next=${encodeURIComponent(next)}` : '/account/password',
  },
  admin: {
    path: '/admin',
    getHref: (section?: string) => (section ? `/admin/${section}` : '/admin'),
  },
  adminUser: { path: '/admin/users/:userId', getHref: (id: string) => `/admin/users/${encodeURIComponent(id)}` },
  adminConfig: { path: '/admin/configs/:configId', getHref: (id: string) => `/admin/configs/${encodeURIComponent(id)}` },
  adminNewsNew: { path: '/admin/news/new', getHref: () => '/admin/news/new' },
  adminNewsItem: { path: '/admin/news/:newsId', getHref: (id: string) => `/admin/news/${encodeURIComponent(id)}` },
} as const;

/** Where a logged-in user lands by default. */
export const DEFAULT_AFTER_LOGIN = paths.configs.path;

const AUTH_PAGES = new Set<string>([paths.login.path, paths.register.path]);

/**
 * A `next` value is followed only if it is a same-origin path: it starts with one `/` (not
 * `//host` or `/\host`, which browsers treat as another origin) and is not an auth page.
 */
export function safeNextPath(next: string | null | undefined, fallback: string = DEFAULT_AFTER_LOGIN): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  try {
    const url = new URL(next, 'http://rayport.invalid');
    if (url.origin !== 'http://rayport.invalid' || AUTH_PAGES.has(url.pathname)) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
