import { readFileSync } from 'node:fs'
import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'

/**
 * GET / — the reporter form — and GET /receipt — the way back with a receipt — and their assets, read once at
 * start and served from memory. Everything the pages need comes from this origin (the CSP allows nothing else),
 * and these routes write no request log line: even a visit to the form is nobody's business.
 */

const PUBLIC_DIR = new URL('../../public/', import.meta.url)

const REGION_NAMES: Record<string, string> = {
  'north-east': 'North East',
  'north-west': 'North West',
  'yorkshire-humber': 'Yorkshire and the Humber',
  'east-midlands': 'East Midlands',
  'west-midlands': 'West Midlands',
  east: 'East of England',
  london: 'London',
  'south-east': 'South East',
  'south-west': 'South West'
}

/** A region's name for people (the bulletins use it too). */
export const regionName = (slug: string) =>
  REGION_NAMES[slug] ?? slug.replace(/-/g, ' ').replace(/^\p{Ll}/u, (letter) => letter.toUpperCase())

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

const read = (file: string) => readFileSync(new URL(file, PUBLIC_DIR), 'utf8')

export const formModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const options = config.regions
    .map((slug) => `<option value="${escapeHtml(slug)}">${escapeHtml(regionName(slug))}</option>`)
    .join('\n            ')
  const pages = {
    html: read('index.html').replace('<!--REGIONS-->', options),
    css: read('form.css'),
    js: read('form.js'),
    receiptHtml: read('receipt.html'),
    receiptJs: read('receipt.js')
  }
  const anonymous = { anonymous: true, exemptFromLoadShedding: false }
  const hide = { hide: true }

  app.get('/', { config: anonymous, schema: hide }, (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(pages.html)
  )
  app.get('/assets/form.css', { config: anonymous, schema: hide }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(pages.css)
  )
  app.get('/assets/form.js', { config: anonymous, schema: hide }, (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(pages.js)
  )
  // The reporter's way back: status, questions, answers, withdrawal — all through the receipt API.
  app.get('/receipt', { config: anonymous, schema: hide }, (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(pages.receiptHtml)
  )
  app.get('/assets/receipt.js', { config: anonymous, schema: hide }, (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(pages.receiptJs)
  )
}
