import { describe, expect, it } from 'vitest'
import { diffMigrationsToSchema, readMigrations, readSchema } from '../../src/db/migrator.js'

// Needs no database of the run's kind (the migrations are replayed into an in-memory PGlite): it runs once, in the
// embedded run (vitest.config.ts).
describe('schema and migrations', () => {
  it('agree: prisma/migrations produces exactly prisma/schema.prisma', async () => {
    const [migrations, schema] = await Promise.all([readMigrations(), readSchema()])

    expect(await diffMigrationsToSchema({ migrations, schema })).toBeNull()
  })

  it('disagree as soon as the schema gains something no migration creates', async () => {
    const [migrations, schema] = await Promise.all([readMigrations(), readSchema()])
    const changed = {
      ...schema,
      content: `${schema.content}\nmodel DriftProbe {\n  id Int @id\n  @@map("drift_probe")\n}\n`
    }

    expect(await diffMigrationsToSchema({ migrations, schema: changed })).toMatch(/CREATE TABLE "drift_probe"/)
  })
})
