import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory
} from '@prisma/driver-adapter-utils'
import type { SchemaEngine } from '@prisma/schema-engine-wasm'

/**
 * Prisma's schema engine compiled to WebAssembly: the same code as `prisma migrate`, without the native binary
 * the CLI would download. Node 20 cannot import a .wasm file as an ES module without a flag, so the bytes are
 * instantiated here, once per process, and bound to the package's generated JS glue.
 */

// The project compiles without the DOM library, which is where TypeScript keeps the WebAssembly types.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>
}

type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg')

let bindings: Promise<Bindings> | undefined

const loadBindings = (): Promise<Bindings> => {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url)
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Bindings & {
      __wbg_set_wasm(exports: Record<string, unknown>): void
    }
    const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'))
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue })
    glue.__wbg_set_wasm(instance.exports)
    ;(instance.exports.__wbindgen_start as (() => void) | undefined)?.()

    return glue
  })()

  return bindings
}

export type PrismaSchemaFile = { path: string; content: string }

/** Runs `work` with a schema engine connected through `factory`, and frees the engine afterwards. */
export const withSchemaEngine = async <T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schema: PrismaSchemaFile,
  work: (engine: SchemaEngine) => Promise<T>
): Promise<T> => {
  const glue = await loadBindings()
  // The engine logs its own start-up at INFO through this callback; nothing in it is worth keeping.
  const engine = await glue.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory)
  )

  try {
    return await work(engine)
  } finally {
    engine.free()
  }
}
