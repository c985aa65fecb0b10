import { loadDotEnv } from '../config/dotenv.js'
import { loadConfig } from '../config/env.js'
import { adminCommand } from './admin-commands.js'
import { adminSocketPath, runOverAdminSocket } from './admin-socket.js'
import { processIo, runCli } from './run.js'

// npm run --silent admin -- <command>: the commands and their output contract are in admin-commands.ts. On the
// embedded database a running server holds the files, so the command goes to it over its admin socket
// (admin-socket.ts); with no server listening, or on PostgreSQL (shared by server and CLI), it runs here.
runCli(async () => {
  loadDotEnv()
  const args = process.argv.slice(2)
  const io = processIo()
  const config = loadConfig(io.env)
  if (config.database.kind === 'pglite' && (await runOverAdminSocket(adminSocketPath(config.dataDir), args, io))) {
    return
  }
  await adminCommand(args, io)
})
