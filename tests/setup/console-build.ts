import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

/**
 * Builds the review console (web/console → dist/console) before the tests, as `npm run build` does before
 * `npm start`, unless the bundle is newer than every source file: the app serves /console from that bundle.
 */
const root = path.resolve(import.meta.dirname, '../..')
const sources = path.join(root, 'web/console')
const built = path.join(root, 'dist/console/index.html')

const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const full = path.join(dir, entry.name)
      return entry.isDirectory() ? newest(full) : statSync(full).mtimeMs
    })
  )

export default function setup () {
  if (existsSync(built) && statSync(built).mtimeMs >= newest(sources)) {
    return
  }
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/console/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit'
  })
}
