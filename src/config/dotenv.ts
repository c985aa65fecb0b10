import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'

/**
 * Reads ./.env if there is one, for `npm start` on a workstation. Variables already set in the environment win,
 * so a container's or CI's settings are never overridden by a stray file.
 */
export const loadDotEnv = (file = '.env', target: NodeJS.ProcessEnv = process.env): void => {
  if (!existsSync(file)) {
    return
  }
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
    if (target[name] === undefined) {
      target[name] = value
    }
  }
}
