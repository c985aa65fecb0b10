import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

type Schema = {
  type?: string | string[]
  properties?: Record<string, Schema>
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  additionalProperties?: unknown
}

/** Every object schema within `schema`, with where it is. */
const objectsIn = (schema: Schema, path = '$'): { path: string; schema: Schema }[] => {
  const here = schema.type === 'object' || schema.properties ? [{ path, schema }] : []
  return [
    ...here,
    ...Object.entries(schema.properties ?? {}).flatMap(([key, child]) => objectsIn(child, `${path}.${key}`)),
    ...(schema.items ? objectsIn(schema.items, `${path}[]`) : []),
    ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap((child, i) => objectsIn(child, `${path}|${i}`))
  ]
}

describe('R25: the regional API answers only its fixed shape', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t?.close())

  it('documents the summary with additionalProperties: false on every object, and no id or date field', () => {
    const doc = t.app.swagger() as unknown as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: Schema }> }> } }>
    }
    for (const route of ['/api/v1/summaries/quarterly', '/api/v1/summaries/series']) {
      const schema = doc.paths[route]?.get.responses['200']?.content['application/json']?.schema
      expect(schema, route).toBeDefined()
      const objects = objectsIn(schema as Schema)
      expect(objects.length).toBeGreaterThan(5)
      for (const { path, schema: object } of objects) {
        expect(object.additionalProperties, path).toBe(false)
      }
      const fields = objects.flatMap(({ schema: object }) => Object.keys(object.properties ?? {}))
      expect(fields.filter((field) => /id$|date|month|day|narrative|receipt|summary/i.test(field))).toEqual([])
    }
  })

  it('documents the CSV form beside the JSON one', () => {
    const doc = t.app.swagger() as unknown as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>
    }
    for (const route of ['/api/v1/summaries/quarterly', '/api/v1/summaries/series']) {
      const ok = doc.paths[route]?.get.responses['200']
      expect(Object.keys(ok?.content ?? {}), route).toEqual(['application/json', 'text/csv'])
      expect(ok?.content['text/csv']).toEqual({ schema: { type: 'string', description: expect.stringContaining('text/csv') } })
    }
  })
})
