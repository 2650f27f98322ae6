import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'sync-server', 'sync-server/console', 'desktop', 'scripts'],
  },
});
