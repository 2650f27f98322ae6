import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@lyceum/ui/charts.css';
import './console.css';
import { App } from './App.tsx';
import { ConsoleI18n } from './i18n/I18n.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element');
createRoot(root).render(
  <StrictMode>
    <ConsoleI18n>
      <App />
    </ConsoleI18n>
  </StrictMode>,
);
