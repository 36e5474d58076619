// Reel's own lint rules (a local ESLint plugin, registered in eslint.config.js as `reel`). They enforce the
// import boundaries that the built-in rules cannot see: dynamic `import()` (no-restricted-imports checks static
// imports only) and "client components never import lib/server", which depends on a file's 'use client' directive
// rather than on its path. lint/boundaries.test.ts lints wrong imports through the real config to prove they fail.

/** @param {import('estree').Program} program */
function isClientModule(program) {
  for (const node of program.body) {
    if (node.type !== 'ExpressionStatement' || typeof node.directive !== 'string') break;
    if (node.directive === 'use client') return true;
  }
  return false;
}

/** The string source of an import/export/import() node, or null when it is computed. */
function sourceOf(node) {
  const src = node.source;
  if (!src) return null;
  if (src.type === 'Literal' && typeof src.value === 'string') return src.value;
  if (src.type === 'TemplateLiteral' && src.expressions.length === 0) return src.quasis[0].value.cooked ?? null;
  return null;
}

const SERVER_MODULE = /(^|\/)lib\/server(\/|$)/;

/** @type {import('eslint').Rule.RuleModule} */
const noServerImportsInClient = {
  meta: {
    type: 'problem',
    docs: { description: "Client code ('use client' files, components/) must not import lib/server, not even types" },
    schema: [{ type: 'object', properties: { allFiles: { type: 'boolean' } }, additionalProperties: false }],
    messages: {
      server:
        "'{{source}}' is server code: a client module may import lib/validation, lib/queries, '*-types.ts' modules and " +
        "server actions ('use server' files), never lib/server (move the DTO type to a client-safe module).",
    },
  },
  create(context) {
    const allFiles = context.options[0]?.allFiles === true;
    let active = false;
    const check = (node) => {
      if (!active) return;
      const source = sourceOf(node);
      if (source !== null && SERVER_MODULE.test(source))
        context.report({ node: node.source, messageId: 'server', data: { source } });
    };
    return {
      Program(program) {
        active = allFiles || isClientModule(program);
      },
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

/** @type {import('eslint').Rule.RuleModule} */
const noRestrictedDynamicImports = {
  meta: {
    type: 'problem',
    docs: { description: 'The regex patterns of no-restricted-imports, applied to dynamic import()' },
    schema: [
      {
        type: 'object',
        properties: {
          patterns: {
            type: 'array',
            items: {
              type: 'object',
              properties: { regex: { type: 'string' }, message: { type: 'string' } },
              required: ['regex'],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: { restricted: "'{{source}}' import is restricted from being used by a pattern. {{message}}" },
  },
  create(context) {
    const patterns = (context.options[0]?.patterns ?? []).map((p) => ({
      re: new RegExp(p.regex),
      message: p.message ?? '',
    }));
    return {
      ImportExpression(node) {
        const source = sourceOf(node);
        if (source === null) return;
        const hit = patterns.find((p) => p.re.test(source));
        if (hit) context.report({ node: node.source, messageId: 'restricted', data: { source, message: hit.message } });
      },
    };
  },
};

const plugin = {
  meta: { name: 'reel' },
  rules: {
    'no-server-imports-in-client': noServerImportsInClient,
    'no-restricted-dynamic-imports': noRestrictedDynamicImports,
  },
};

export default plugin;
