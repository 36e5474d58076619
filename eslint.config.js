// ESLint 9 flat config: Next's core-web-vitals + TypeScript rules (eslint-config-next 16 ships flat configs).
import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';
import reel from './lint/reel-plugin.js';

// Only lib/server/data/* (and lib/server/db.ts, which builds the client) may reach Prisma or run SQL: everything
// else calls a data function that returns DTOs. lib/db/* is the migration tooling (it runs DDL, not queries), and
// tests may inspect the database directly. lib/recommender has its own, stricter
// zone (no lib/server at all). TODO(#20): scripts/bench* closes the pool through the client; switch it to
// lib/server/data/connection.ts disconnectDatabase() and drop its entry below.
const PRISMA_MESSAGE = 'Only lib/server/data/* touches Prisma: call (or add) a data function that returns a DTO.';
const PRISMA_PATTERNS = [
  { regex: '(^|/)lib/server/db$', message: PRISMA_MESSAGE },
  { regex: '^(\\./|(\\.\\./)+)db$', message: PRISMA_MESSAGE },
  { regex: '(^|/)generated/prisma(/|$)', message: PRISMA_MESSAGE },
  { regex: '^@prisma/(client|adapter-pg)(/|$)', message: PRISMA_MESSAGE },
  { regex: '^pg$', message: PRISMA_MESSAGE },
];
const PRISMA_ALLOWED = [
  'lib/server/data/**',
  'lib/server/db.ts',
  'lib/server/generated/**',
  'lib/db/**',
  // The sign-in throttle's store: rate-limiter-flexible's Postgres store takes a pg pool of its own.
  'lib/server/throttle.ts',
  'lib/recommender/**',
  'tests/**',
  'scripts/bench.ts',
  'scripts/bench/**',
  // Load and failure tests check the rows they wrote with plain SQL, independent of the app's data layer.
  'scripts/reliability/**',
];

/**
 * Engine layering (docs/ARCHITECTURE.md): imports point down only,
 *   core ← kernels ← algorithms ← hybrid ← serving ← eval,   io on core only,
 * and the engine knows nothing of the app (lib/server, app, components, Next, React, Prisma, next-auth).
 * Tests may also import testing/ (fixtures, the contract suite) and set themselves up from any wing; product code
 * never imports testing/.
 */
const WINGS = ['core', 'kernels', 'algorithms', 'hybrid', 'serving', 'eval'];
const engine = (wing) => `./lib/recommender/${wing}`;
const layerZones = WINGS.flatMap((wing, level) => [
  {
    target: engine(wing),
    from: [...WINGS.slice(level + 1).map(engine), engine('io'), engine('testing')],
    message: `${level === 0 ? 'lib/recommender/core imports no other wing' : `lib/recommender/${wing} may import only ${WINGS.slice(0, level).join(', ')}`} (imports point down: core ← kernels ← algorithms ← hybrid ← serving ← eval; io is on core only).`,
  },
]);
const engineLayers = {
  files: ['lib/recommender/**/*.ts'],
  ignores: ['lib/recommender/**/*.test.ts', 'lib/recommender/testing/**'],
  rules: {
    'import/no-restricted-paths': [
      'error',
      {
        zones: [
          ...layerZones,
          {
            target: engine('io'),
            from: WINGS.filter((w) => w !== 'core')
              .map(engine)
              .concat(engine('testing')),
            message: 'lib/recommender/io reads files into plain data and may import only core.',
          },
          {
            target: './lib/recommender',
            from: ['./lib/server', './app', './components', './lib/queries'],
            message: 'The engine is pure TypeScript: nothing under lib/recommender imports the app.',
          },
        ],
      },
    ],
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [
              'next',
              'next/*',
              'react',
              'react/*',
              'react-dom',
              'react-dom/*',
              '@prisma/*',
              'prisma',
              'next-auth',
              'next-auth/*',
              'server-only',
              '@/lib/server/*',
              '@/app/*',
              '@/components/*',
            ],
            message:
              'The engine is pure TypeScript: no Next, React, Prisma, next-auth or app code under lib/recommender.',
          },
        ],
      },
    ],
  },
};
const productCode = {
  files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}', 'proxy.ts'],
  ignores: ['**/*.test.ts', 'lib/recommender/testing/**'],
  rules: {
    'import/no-restricted-paths': [
      'error',
      {
        zones: [
          { target: './', from: './lib/recommender/testing', message: 'Only tests import lib/recommender/testing.' },
        ],
      },
    ],
  },
};

const config = [
  {
    ignores: [
      'lib/server/generated/**',
      '.next/**',
      'node_modules/**',
      'results/**',
      'tmp/**',
      '.data/**',
      'coverage/**',
      'test-results/**',
      'next-env.d.ts',
    ],
  },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      // Heterogeneous registries (e.g. lib/recommender/eval/registry.ts: Record<string, RegistryEntry<any, any>>) need `any`;
      // flag it for review instead of failing the build.
      '@typescript-eslint/no-explicit-any': 'warn',
      // `_`-prefixed names mark parameters kept for a signature (e.g. useActionState's previous state).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  { plugins: { reel } },
  {
    files: ['**/*.{js,mjs,cjs,ts,tsx}'],
    ignores: PRISMA_ALLOWED,
    rules: {
      // Static imports (type-only ones included); the reel rule covers `await import(...)`.
      'no-restricted-imports': ['error', { patterns: PRISMA_PATTERNS }],
      'reel/no-restricted-dynamic-imports': ['error', { patterns: PRISMA_PATTERNS }],
    },
  },
  // Client components never import lib/server, not even a type: DTO types live in lib/validation/* or *-types.ts.
  { files: ['**/*.{js,mjs,ts,tsx}'], rules: { 'reel/no-server-imports-in-client': 'error' } },
  { files: ['components/**/*.{ts,tsx}'], rules: { 'reel/no-server-imports-in-client': ['error', { allFiles: true }] } },
  productCode,
  engineLayers,
];

export default config;
