import { readdirSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { EVENT_CLASSES, SETTINGS } from '../../src/modules/reports/reports.schemas.js'
import * as vocab from '../../web/console/src/vocab.js'

// The console's bundle (built by tests/setup/console-build.ts) and the copies it keeps of the server's lists.
const dist = new URL('../../dist/console/', import.meta.url)

describe('the review console bundle', () => {
  it('loads under 250 KB of JavaScript, gzipped, on first load', () => {
    const html = readFileSync(new URL('index.html', dist), 'utf8')
    const scripts = [...html.matchAll(/src="\/console\/assets\/([^"]+\.js)"/g)].map((m) => m[1] as string)
    expect(scripts.length).toBeGreaterThan(0)
    // Every script in the bundle counts, not only the entry: there is no lazy loading to leave out.
    const all = readdirSync(new URL('assets/', dist)).filter((file) => file.endsWith('.js'))
    const gzipped = all.reduce((sum, file) => sum + gzipSync(readFileSync(new URL(`assets/${file}`, dist))).length, 0)
    expect(gzipped).toBeLessThan(250 * 1024)
  })

  it('has no inline script or style for the CSP to refuse', () => {
    const html = readFileSync(new URL('index.html', dist), 'utf8')
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(html).not.toMatch(/<style|\sstyle=/)
  })

  it("keeps the intake vocabularies equal to the server's", () => {
    expect(vocab.EVENT_CLASSES).toEqual([...EVENT_CLASSES])
    expect(vocab.SETTINGS).toEqual([...SETTINGS])
  })
})
