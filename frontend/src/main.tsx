import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from '@/app/app';
import { initI18n } from '@/lib/i18n';
import { captureLaunchParams, startTelegramIntegration } from '@/lib/telegram/webapp';

import '@/styles/global.css';

// Order matters: Telegram launch params (URL hash) before the router touches the URL, and
// before i18n, which uses Telegram's language as a hint.
captureLaunchParams();
startTelegramIntegration();
initI18n();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
