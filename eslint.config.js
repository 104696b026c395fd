import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * One direction for every dependency: each folder of src/ may import only the folders listed for
 * it (README, "Layout"). Lowest layers first; `main` composes everything and is not restricted.
 */
const mayImport = {
  config: [],
  temporal: [],
  logging: [],
  coursekey: ['config'],
  'campus-cloud': ['config'],
  simulator: ['campus-cloud', 'config', 'coursekey'],
  infra: ['config', 'simulator'],
  db: ['config', 'coursekey', 'infra'],
  mapping: ['campus-cloud', 'config', 'coursekey', 'db'],
  metrics: ['campus-cloud', 'coursekey'],
  accounts: ['db'],
  'read-model': ['config', 'coursekey', 'db', 'temporal'],
  activities: ['campus-cloud', 'config', 'coursekey', 'db', 'mapping', 'metrics'],
  workflows: ['coursekey'],
  ops: ['db'],
  workers: ['activities', 'config', 'db', 'infra', 'logging', 'metrics', 'ops', 'temporal', 'workflows'],
  api: ['accounts', 'config', 'coursekey', 'db', 'read-model', 'temporal'],
  dashboard: ['accounts', 'api', 'config', 'coursekey', 'db', 'read-model', 'temporal'],
  client: [
    'accounts',
    'campus-cloud',
    'config',
    'coursekey',
    'db',
    'infra',
    'logging',
    'read-model',
    'temporal',
    'workers',
    'workflows',
  ],
  http: ['api', 'config', 'dashboard', 'db', 'logging', 'metrics', 'ops', 'temporal'],
};
/** Workflow code runs in Temporal's sandbox: it sees activities and configuration as types only. */
const typeOnlyForWorkflows = ['activities', 'config'];
const folders = [...Object.keys(mayImport), 'main'];

const importOf = (names) => `^(\\.\\./)+(${names.join('|')})(/|$)`;

const layering = Object.entries(mayImport).map(([folder, allowed]) => {
  const typeOnly = folder === 'workflows' ? typeOnlyForWorkflows : [];
  const forbidden = folders.filter(
    (name) => name !== folder && !allowed.includes(name) && !typeOnly.includes(name),
  );
  const patterns = [
    {
      regex: importOf(forbidden),
      message: `src/${folder} may import ${allowed.length ? `only ${allowed.join(', ')}` : 'no other folder of src'}${typeOnly.length ? ` (${typeOnly.join(' and ')} as types only)` : ''} (README, "Layout").`,
    },
  ];
  if (typeOnly.length) {
    patterns.push({
      regex: importOf(typeOnly),
      allowTypeImports: true,
      message: `src/${folder} imports ${typeOnly.join(' and ')} as types only (\`import type\`).`,
    });
  }
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
});

export default tseslint.config(
  {
    ignores: ['node_modules', '.tools', '.data', 'dist', 'test-artifacts', 'test/histories', 'bench/results'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...layering,
);
