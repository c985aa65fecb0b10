import { loadDotEnv } from '../config/dotenv.js'
import { adminCommand } from './admin-commands.js'
import { processIo, runCli } from './run.js'

// npm run --silent admin -- <command>: the commands and their output contract are in admin-commands.ts.
runCli(async () => {
  loadDotEnv()
  await adminCommand(process.argv.slice(2), processIo())
})
