import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@lyceum/testing',
    include: ['src/**/*.test.{ts,tsx}'],
    // Same pool settings as the other projects, so Vitest can schedule them in one group.
    pool: 'forks',
    maxWorkers: 2,
  },
});
