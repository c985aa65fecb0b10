import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, type SignedIn, signIn } from '../helpers/users.js'

type Leaf = { code: string; label: string; definition: string; includes: string[]; excludes: string[]; example: string }
type Doc = {
  version: number
  domains: { code: string; label: string; groups: { code: string; label: string; leaves: Leaf[] }[] }[]
  facets: { key: string; values: { key: string }[] }[]
}

const seed = JSON.parse(readFileSync(new URL('../../prisma/seed-data/cphf-v1.json', import.meta.url), 'utf8')) as Doc

describe('taxonomy CPHF', () => {
  let t: TestApp
  let reviewer: SignedIn

  beforeAll(async () => {
    t = await createTestApp()
    reviewer = await signIn(t.app, await createUser(t.app, { email: 'tax@example.org', recoveryKey: t.recoveryKey }))
  })
  afterAll(() => t.close())

  it('the seed holds the 7 domains, 23 groups and 58 leaves of mission-anchors §3, each fully described', () => {
    const groups = seed.domains.flatMap((domain) => domain.groups)
    const leaves = groups.flatMap((group) => group.leaves)
    expect(seed.domains.map((domain) => domain.code)).toEqual(['PA', 'PC', 'FP', 'TC', 'TE', 'SU', 'OR'])
    expect(groups).toHaveLength(23)
    expect(leaves).toHaveLength(58)
    for (const leaf of leaves) {
      expect(leaf.code).toMatch(/^[A-Z]{2}\.[A-Z]{2}\.\d{2}$/)
      expect(leaf.definition.length, leaf.code).toBeGreaterThan(30)
      expect(leaf.includes.length, leaf.code).toBeGreaterThan(0)
      expect(leaf.excludes.length, leaf.code).toBeGreaterThan(0)
      expect(leaf.example.length, leaf.code).toBeGreaterThan(30)
    }
    expect(seed.facets.map((facet) => facet.key)).toEqual([
      'event_type',
      'reach_and_harm',
      'detection',
      'setting',
      'handover'
    ])
  })

  it('the migration stored exactly the seed document, and one code row per domain, group and leaf', async () => {
    const version = await t.app.db.prisma.taxonomyVersion.findUniqueOrThrow({ where: { version: 1 } })
    const codes = await t.app.db.prisma.taxonomyCode.findMany({ where: { version: 1 } })
    expect(version.document).toEqual(seed)
    const expected = seed.domains.flatMap((domain) => [
      { code: domain.code, level: 1, parentCode: null, label: domain.label },
      ...domain.groups.flatMap((group) => [
        { code: group.code, level: 2, parentCode: domain.code, label: group.label },
        ...group.leaves.map((leaf) => ({ code: leaf.code, level: 3, parentCode: group.code, label: leaf.label }))
      ])
    ])
    const stored = codes.map(({ code, level, parentCode, label }) => ({ code, level, parentCode, label }))
    expect(stored.sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      expected.sort((a, b) => a.code.localeCompare(b.code))
    )
    expect(codes).toHaveLength(7 + 23 + 58)
  })

  it('GET /api/v1/taxonomy answers the current version with definitions; unknown versions are 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/taxonomy', headers: { cookie: reviewer.cookie } })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ version: 1, name: 'CPHF', isCurrent: true, mappings: [] })
    expect(body.domains).toEqual(seed.domains)
    // Issue 14.5: facets named as a coding names them, handover true/false as a coding gives it.
    expect(body.facets.map((facet: { key: string }) => facet.key)).toEqual([
      'eventType',
      'reachAndHarm',
      'detection',
      'setting',
      'handover'
    ])
    const handover = body.facets.find((facet: { key: string }) => facet.key === 'handover')
    expect(handover.values.map((value: { key: unknown }) => value.key)).toEqual([true, false])
    expect(body.facets[0].values[0].key).toBe(seed.facets[0]?.values[0]?.key)
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/taxonomy?version=7',
      headers: { cookie: reviewer.cookie }
    })
    expect(missing.statusCode).toBe(404)
  })

  it('a later version carries a mapping from the old codes; the old version stays readable', async () => {
    // A hypothetical v2 that splits PA.SL.01 in two, installed as a migration would install it.
    const document = structuredClone(seed) as Doc & { version: number }
    document.version = 2
    const group = document.domains[0]?.groups[0]
    const leaf = group?.leaves[0] as Leaf
    group?.leaves.splice(0, 1, { ...leaf, code: 'PA.SL.05' }, { ...leaf, code: 'PA.SL.06' })
    const prisma = t.app.db.prisma
    await prisma.taxonomyVersion.create({
      data: { version: 2, name: 'CPHF', title: 'v2', document, publishedOn: new Date('2027-01-01') }
    })
    await prisma.taxonomyMapping.createMany({
      data: [
        { fromVersion: 1, fromCode: 'PA.SL.01', toVersion: 2, toCode: 'PA.SL.05' },
        { fromVersion: 1, fromCode: 'PA.SL.01', toVersion: 2, toCode: 'PA.SL.06' }
      ]
    })
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: reviewer.cookie } })

    const current = (await get('/api/v1/taxonomy')).json()
    const old = (await get('/api/v1/taxonomy?version=1')).json()

    expect(current.version).toBe(2)
    expect(current.mappings).toEqual([
      { fromVersion: 1, fromCode: 'PA.SL.01', toCode: 'PA.SL.05' },
      { fromVersion: 1, fromCode: 'PA.SL.01', toCode: 'PA.SL.06' }
    ])
    expect(old).toMatchObject({ version: 1, isCurrent: false })
  })
})
