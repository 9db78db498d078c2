import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // classroom-errors ships to production apps: no runtime dependencies, never the emulator.
    files: ['packages/errors/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['classroom-emulator', 'classroom-emulator/*', 'fastify', 'kysely', 'gaxios', 'googleapis'], message: 'classroom-errors has no runtime dependencies.' }] }],
    },
  },
  {
    // Rules are pure: no HTTP, no SQL, no store.
    // Row types are plain data and may be named; store code may not be called.
    files: ['packages/emulator/src/rules/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
        { group: ['fastify', 'kysely', 'pg', 'better-sqlite3', '**/http/**', '**/api/**', '**/env.js'], message: 'Rules are pure functions: no HTTP framework, no store, no environment.' },
        { group: ['**/store/**'], allowTypeImports: true, message: 'Rules may name row types, never call the store.' },
      ] }],
    },
  },
  {
    // Only the store talks to the database: routes, services, platform, seeding and the CLI never do.
    files: ['packages/emulator/src/**/*.ts'],
    ignores: ['packages/emulator/src/store/**', 'packages/emulator/src/rules/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['kysely', 'pg', 'better-sqlite3'], message: 'Only the store talks to the database.' }] }],
    },
  },
);
