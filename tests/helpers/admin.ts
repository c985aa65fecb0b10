import { adminCommand } from '../../src/cli/admin-commands.js'
import type { RunResult } from './run-node.js'

/**
 * Runs an admin command in this process, with only the given environment, and answers as a process would (exit
 * status 1 and the message on stderr for an error). Each command still opens and closes the database itself; only
 * the process start is saved. tests/cli/admin-cli.test.ts runs the real `npm run --silent admin` too, so the
 * process wrapper (src/cli/admin.ts) is covered.
 */
export const runAdmin = async (args: string[], env: Record<string, string>, input = ''): Promise<RunResult> => {
  let stdout = ''
  try {
    await adminCommand(args, {
      env,
      readStdin: async () => input,
      out: (line) => {
        stdout += `${line}\n`
      }
    })
    return { code: 0, stdout, stderr: '' }
  } catch (error) {
    return { code: 1, stdout, stderr: `${(error as Error).message}\n` }
  }
}
