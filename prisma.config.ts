// Prisma CLI configuration. The app itself never reads this file: it builds its client with a driver
// adapter (src/db/client.ts) and applies migrations through Prisma's WASM schema engine (src/db/migrator.ts).
// It is here for `prisma generate` and, where the native engine can be downloaded, `prisma migrate deploy`.
import { defineConfig } from 'prisma/config'

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {})
})
