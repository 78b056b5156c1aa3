import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router';

import { ProtectedRoute } from '@/features/auth/components/ProtectedRoute';

import { AppLayout } from './layout/AppLayout';
import { RouteError } from './routes/route-error';
import { RouteLoader } from './routes/route-loader';

/** A lazy route whose screen is the module's export `name` (type-checked against the module). */
function lazyAdmin<M extends Record<K, ComponentType>, K extends keyof M>(load: () => Promise<M>, name: K) {
  return async () => ({ Component: (await load())[name] });
}

/** `/admin/<section>...`: each a lazy chunk under the admin layout (see routes/admin). */
const adminRoutes: RouteObject[] = [
  { path: 'requests', lazy: lazyAdmin(() => import('./routes/admin/requests'), 'AdminRequestsRoute') },
  { path: 'users', lazy: lazyAdmin(() => import('./routes/admin/users'), 'AdminUsersRoute') },
  { path: 'users/:userId', lazy: lazyAdmin(() => import('./routes/admin/users'), 'AdminUserRoute') },
  { path: 'configs', lazy: lazyAdmin(() => import('./routes/admin/configs'), 'AdminConfigsRoute') },
  { path: 'configs/:configId', lazy: lazyAdmin(() => import('./routes/admin/configs'), 'AdminConfigRoute') },
  { path: 'news', lazy: lazyAdmin(() => import('./routes/admin/news'), 'AdminNewsRoute') },
  { path: 'news/new', lazy: lazyAdmin(() => import('./routes/admin/news'), 'AdminNewsNewRoute') },
  { path: 'news/:newsId', lazy: lazyAdmin(() => import('./routes/admin/news'), 'AdminNewsEditRoute') },
  { path: 'settings', lazy: lazyAdmin(() => import('./routes/admin/settings'), 'AdminSettingsRoute') },
  { path: 'sessions', lazy: lazyAdmin(() => import('./routes/admin/other'), 'AdminSessionsRoute') },
  { path: 'notifications', lazy: lazyAdmin(() => import('./routes/admin/other'), 'AdminNotificationsRoute') },
  { path: 'audit', lazy: lazyAdmin(() => import('./routes/admin/other'), 'AdminAuditRoute') },
  { path: 'xui', lazy: lazyAdmin(() => import('./routes/admin/other'), 'AdminXuiRoute') },
  { path: '*', lazy: lazyAdmin(() => import('./routes/not-found'), 'NotFoundRoute') },
];

/**
 * The route table. Screens are lazy chunks (admin code never reaches a user's phone unless
 * they open it). Guards are layout routes: `ProtectedRoute` for logged-in users, with
 * `minRole="admin"` for `/admin/*`.
 */
export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <RouteLoader />,
    children: [
      {
        index: true,
        lazy: async () => ({ Component: (await import('./routes/landing')).LandingRoute }),
      },
      {
        path: 'login',
        lazy: async () => ({ Component: (await import('./routes/login')).LoginRoute }),
      },
      {
        path: 'register',
        lazy: async () => ({ Component: (await import('./routes/register')).RegisterRoute }),
      },
      {
        element: <ProtectedRoute />,
        children: [
          {
            path: 'configs',
            lazy: async () => ({ Component: (await import('./routes/app/configs')).ConfigsRoute }),
          },
          {
            path: 'news',
            lazy: async () => ({ Component: (await import('./routes/app/news')).NewsRoute }),
          },
          {
            path: 'account',
            lazy: async () => ({ Component: (await import('./routes/app/account')).AccountRoute }),
          },
          {
            path: 'account/password',
            lazy: async () => ({
              Component: (await import('./routes/app/change-password')).ChangePasswordRoute,
            }),
          },
          {
            path: 'admin',
            element: <ProtectedRoute minRole="admin" />,
            children: [
              {
                lazy: async () => ({ Component: (await import('./routes/admin/layout')).AdminLayout }),
                children: [
                  {
                    index: true,
                    lazy: async () => ({ Component: (await import('./routes/admin/index')).AdminHomeRoute }),
                  },
                  ...adminRoutes,
                ],
              },
            ],
          },
        ],
      },
      {
        path: '*',
        lazy: async () => ({ Component: (await import('./routes/not-found')).NotFoundRoute }),
      },
    ],
  },
];
