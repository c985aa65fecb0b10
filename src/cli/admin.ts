import { parseArgs } from 'node:util'
import { loadDotEnv } from '../config/dotenv.js'
import { loadConfig } from '../config/env.js'
import { openDatabase } from '../db/database.js'
import { migrateDatabase } from '../db/migrator.js'
import { loadSodium } from '../lib/crypto/sodium.js'
import { createKeysRepository } from '../modules/keys/keys.repository.js'
import { createKeysService } from '../modules/keys/keys.service.js'
import { runCli } from './run.js'

/**
 * npm run --silent admin -- <command>: operator commands. Output formats are a contract scripts rely on.
 *   init    create the review team key pair (once); the last line printed is `recovery-key: <key>`
 */

const USAGE = 'usage: admin <init>'

const out = (line: string) => process.stdout.write(`${line}\n`)

const init = async () => {
  const db = await openDatabase(loadConfig().database)
  try {
    await migrateDatabase(db)
    const keys = createKeysService({ repository: createKeysRepository(db.prisma), sodium: await loadSodium() })
    const created = await keys.initialise()
    if (!created) {
      const existing = await keys.findTeamPublicKey()
      out(`Candid is already initialised (team key version ${existing?.version}); its recovery key was shown then.`)
      return
    }
    out('Created the review team key pair. The recovery key below is shown once and stored nowhere:')
    out('keep it offline (split between two people); it is the last way back to every report.')
    out(`recovery-key: ${created.recoveryKey}`)
  } finally {
    await db.close()
  }
}

const main = async () => {
  loadDotEnv()
  const { positionals } = parseArgs({ allowPositionals: true, strict: true })
  const [command, ...rest] = positionals
  if (command === 'init' && rest.length === 0) {
    return init()
  }
  throw new Error(USAGE)
}

runCli(main)
