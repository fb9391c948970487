// Dependency direction of the idem workspace: codec <- core <- adapters <- bench.
// Checked on source imports (tests included) so a wrong-way import fails `pnpm lint`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not import each other in a cycle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'codec-stands-alone',
      severity: 'error',
      comment: '@idem/codec depends on no other idem package.',
      from: { path: '^packages/codec/src' },
      to: { path: '^packages/(core|memory-broker|kafkajs|confluent)|^apps/|@idem/(core|memory-broker|kafkajs|confluent|bench)' },
    },
    {
      name: 'core-imports-no-adapter',
      severity: 'error',
      comment: '@idem/core talks to the world only through its Transport port.',
      from: { path: '^packages/core/src' },
      to: {
        path: '^packages/(memory-broker|kafkajs|confluent)|^apps/|@idem/(memory-broker|kafkajs|confluent|bench)|(^|/)node_modules/(kafkajs|@confluentinc|node-rdkafka)/',
      },
    },
    {
      name: 'core-no-network',
      severity: 'error',
      comment: '@idem/core never opens sockets itself.',
      from: { path: '^packages/core/src' },
      to: { path: '^(node:)?(net|tls|dgram|http|https|http2)$', dependencyTypes: ['core'] },
    },
    {
      name: 'broker-below-core',
      severity: 'error',
      comment: 'The memory broker builds on the codec only, so core tests can use it without a cycle.',
      from: { path: '^packages/memory-broker/src' },
      to: { path: '^packages/(core|kafkajs|confluent)|^apps/|@idem/(core|kafkajs|confluent|bench)' },
    },
    {
      name: 'testing-imports-no-adapter',
      severity: 'error',
      comment: '@idem/testing proves adapters: it builds on the core and the memory broker, never on an adapter.',
      from: { path: '^packages/testing/src' },
      to: { path: '^packages/(kafkajs|confluent)|^apps/|@idem/(kafkajs|confluent|bench)' },
    },
    {
      name: 'adapters-not-on-bench',
      severity: 'error',
      comment: 'Libraries never import the bench app.',
      from: { path: '^packages/' },
      to: { path: '^apps/|@idem/bench' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|target)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@idem/source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    tsConfig: { fileName: 'tooling/lint/tsconfig.depcruise.json' },
  },
};
