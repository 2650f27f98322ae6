import { defineProject } from 'vitest/config';

/** The admin console's own tests (no server or database needed). */
export default defineProject({
  test: {
    name: 'console',
    include: ['src/**/*.test.{ts,tsx}'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
