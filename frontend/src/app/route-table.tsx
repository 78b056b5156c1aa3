import type { RouteObject } from 'react-router';

import { ProtectedRoute } from '@/features/auth/components/ProtectedRoute';

import { AppLayout } from './layout/AppLayout';
import { RouteError } from './routes/route-error';
import { RouteLoader } from './routes/route-loader';

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
                  {
                    path: ':section',
                    lazy: async () => ({
                      Component: (await import('./routes/admin/section')).AdminSectionRoute,
                    }),
                  },
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
