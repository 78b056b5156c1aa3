import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';

import { useSessionBootstrap } from '@/features/auth/hooks/use-session-bootstrap';
import { createQueryClient } from '@/lib/api/query-client';
import { i18n } from '@/lib/i18n';

function SessionBootstrap() {
  useSessionBootstrap();
  return null;
}

/** Everything above the router: i18n, the query cache, the session. */
export function AppProvider({ children, queryClient }: { children: ReactNode; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={client}>
        <SessionBootstrap />
        {children}
      </QueryClientProvider>
    </I18nextProvider>
  );
}
