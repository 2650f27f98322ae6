import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@lyceum/ui/charts.css';
import './console.css';
import { App } from './App.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
