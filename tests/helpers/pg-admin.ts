import pg from 'pg'

/** `adminUrl` with its database name replaced. */
export const databaseUrl = (adminUrl: string, database: string): string => {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

/** Runs one statement on the server named by `adminUrl` (CREATE/DROP DATABASE cannot run in a pool transaction). */
export const adminQuery = async (adminUrl: string, sql: string): Promise<void> => {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}
