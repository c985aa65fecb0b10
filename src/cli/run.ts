/**
 * Runs a command-line entry point: prints the error message (never a stack) and exits non-zero on failure, and
 * exits as soon as the work is done — the WASM schema engine leaves its 10-second migration-lock timeout armed.
 */
export const runCli = (main: () => Promise<unknown>): void => {
  main()
    .catch((error: Error) => {
      process.stderr.write(`${error.message}\n`)
      process.exitCode = 1
    })
    .finally(() => process.exit())
}
