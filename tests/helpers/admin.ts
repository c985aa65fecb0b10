import { adminCommand } from '../../src/cli/admin-commands.js'
import { dbCommand } from '../../src/cli/db-commands.js'
import type { CliIo } from '../../src/cli/run.js'
import type { RunResult } from './run-node.js'

/**
 * Runs a command-line command in this process, with only the given environment, and answers as the process would
 * (its exit status; 1 and the message on stderr for an error). Each command still opens and closes the database
 * itself; only the process start is saved. The CLI tests run the documented `npm run` lines as processes too, so
 * the process wrappers (src/cli/admin.ts, src/cli/db.ts) are covered.
 */
const runInProcess = async (
  command: (args: readonly string[], io: CliIo) => Promise<number | void>,
  args: string[],
  env: Record<string, string>,
  input = ''
): Promise<RunResult> => {
  let stdout = ''
  let stderr = ''
  try {
    const code = await command(args, {
      env,
      readStdin: async () => input,
      out: (line) => {
        stdout += `${line}\n`
      },
      warn: (line) => {
        stderr += `${line}\n`
      }
    })
    return { code: code ?? 0, stdout, stderr }
  } catch (error) {
    return { code: 1, stdout, stderr: `${stderr}${(error as Error).message}\n` }
  }
}

export const runAdmin = (args: string[], env: Record<string, string>, input = '') =>
  runInProcess(adminCommand, args, env, input)

export const runDb = (args: string[], env: Record<string, string>) => runInProcess(dbCommand, args, env)
