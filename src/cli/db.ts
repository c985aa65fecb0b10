import { loadDotEnv } from '../config/dotenv.js'
import { dbCommand } from './db-commands.js'
import { processIo, runCli } from './run.js'

// npm run db:migrate | db:diff | db:status: the commands are in db-commands.ts.
runCli(async () => {
  loadDotEnv()
  process.exitCode = await dbCommand(process.argv.slice(2), processIo())
})
