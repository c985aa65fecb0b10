import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ENV_VARIABLES } from '../../src/config/env.js'

// Docs that drift from the code mislead operators: these checks tie the README, .env.example and the container
// files to what the code actually reads and builds. (Docker cannot run here; this is what can be checked.)

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')

describe('README and .env.example', () => {
  it('document every configuration variable', () => {
    const readme = read('README.md')
    const example = read('.env.example')

    for (const name of ENV_VARIABLES) {
      expect(readme, name).toContain(`| \`${name}\` |`)
      expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'))
    }
  })

  it('document every npm script, and the quick start', () => {
    const readme = read('README.md')
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> }

    expect(readme).toContain('npm ci && npm start')
    expect(readme).toContain('npm test')
    for (const name of Object.keys(scripts)) {
      expect(readme, name).toMatch(new RegExp(`\`(npm (run )?)?${name}( [^\`]*)?\``))
    }
  })
})

describe('container files', () => {
  it('Dockerfile: multi-stage, unprivileged, serves what the build produces (the server migrates first)', () => {
    const dockerfile = read('Dockerfile')
    const stages = dockerfile.match(/^FROM /gm) ?? []
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] as string).split(' '))

    expect(stages.length).toBeGreaterThanOrEqual(2)
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/server\.js"\]$/m)
    expect(dockerfile).toMatch(/INIT_KEYS_ON_START=false/)
    expect(dockerfile).toMatch(/^HEALTHCHECK [^\n]*\\\n\s+CMD .*\/health\/ready/m)
    expect(existsSync(new URL('../../src/cli/db.ts', import.meta.url))).toBe(true)
    expect(existsSync(new URL('../../src/server.ts', import.meta.url))).toBe(true)
    for (const source of copies) {
      expect(existsSync(new URL(`../../${source}`, import.meta.url)), source).toBe(true)
    }
  })

  it('docker-compose.yml: PostgreSQL and the app, health-checked, with volumes', () => {
    const compose = parse(read('docker-compose.yml')) as {
      services: Record<string, Record<string, unknown>>
      volumes: Record<string, unknown>
    }
    const { db, app } = compose.services as { db: Record<string, unknown>; app: Record<string, unknown> }

    expect(db.image).toMatch(/^postgres:/)
    expect(db.healthcheck).toBeDefined()
    expect(app.healthcheck).toBeDefined()
    expect(app.depends_on).toEqual({ db: { condition: 'service_healthy' } })
    expect(String((app.environment as Record<string, string>).DATABASE_URL)).toMatch(/^postgresql:\/\/.*@db:5432\//)
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['pgdata']))
    expect(app.ports).toEqual([expect.stringMatching(/^127\.0\.0\.1:/)])
  })
})
