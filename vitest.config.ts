import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './vitest.summary.ts'],
    projects: [
      {
        test: {
          name: 'errors',
          root: 'packages/errors',
          include: ['test/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'emulator',
          root: 'packages/emulator',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
