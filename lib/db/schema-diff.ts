import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

type SchemaEngineBg = {
  __wbg_set_wasm(exports: unknown): void;
  SchemaEngine: {
    new: (
      options: { datamodels: [string, string][] },
      log: (msg: string) => void,
      adapter: unknown,
    ) => Promise<{
      diff(params: unknown): Promise<{ exitCode: number; stdout: string }>;
      free?: () => void;
    }>;
  };
};

let bgPromise: Promise<SchemaEngineBg> | undefined;

/** Loads Prisma's wasm schema engine in Node 20 (which cannot import .wasm as an ES module). */
function loadSchemaEngine(): Promise<SchemaEngineBg> {
  bgPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import(bgPath)) as SchemaEngineBg;
    const bytes = await readFile(bgPath.replace(/schema_engine_bg\.js$/, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return bgPromise;
}

/**
 * SQL that turns the `from` datamodel into the `to` datamodel ('' when they match).
 * The engine connects to `connectionString` when created, although a schema-to-schema diff never reads it.
 */
export async function diffSchemas(from: string | null, to: string, connectionString: string): Promise<string> {
  const bg = await loadSchemaEngine();
  const engine = await bg.SchemaEngine.new(
    { datamodels: [['schema.prisma', to]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString })),
  );
  try {
    const result = await engine.diff({
      from:
        from === null
          ? { tag: 'empty' }
          : { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: from }] },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: to }] },
      script: true,
      shadowDatabaseUrl: null,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const sql = result.stdout.trim();
    return sql === '-- This is an empty migration.' ? '' : sql;
  } finally {
    engine.free?.();
  }
}
