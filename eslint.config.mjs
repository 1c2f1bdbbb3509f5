import nx from '@nx/eslint-plugin';

/**
 * Module boundaries are errors: apps never import each other (each app may only use its own scope and the
 * shared libs), and libs only depend on libs of a lower layer (contracts < util < data-access < app).
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '.tools', '.data', 'coverage', '**/jest.config.js', 'jest.preset.js'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:data-access'],
            },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:data-access'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // End-to-end suites talk to the running services over HTTP, Kafka and the database: no project imports.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:api-gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:api-gateway'] },
            { sourceTag: 'scope:query', onlyDependOnLibsWithTags: ['scope:shared', 'scope:query'] },
            { sourceTag: 'scope:writer', onlyDependOnLibsWithTags: ['scope:shared', 'scope:writer'] },
            { sourceTag: 'scope:delivery', onlyDependOnLibsWithTags: ['scope:shared', 'scope:delivery'] },
            { sourceTag: 'scope:jobs', onlyDependOnLibsWithTags: ['scope:shared', 'scope:jobs'] },
          ],
        },
      ],
      // Env classes annotate property types on purpose: class-transformer reads them from decorator metadata.
      '@typescript-eslint/no-inferrable-types': ['error', { ignoreProperties: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
