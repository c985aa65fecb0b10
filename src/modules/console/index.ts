import { existsSync, readdirSync, readFileSync } from 'node:fs'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { AppError } from '../../lib/errors.js'

/**
 * GET /console — the review console for reviewers, safety leads and admins (web/console, bundled by Vite into
 * dist/console by `npm run build`) — and its hashed assets, read once at start and served from memory. Same origin,
 * so the session cookie (SameSite=Strict) and the strict CSP need no exception; the global hook already sends
 * Cache-Control: no-store. The page holds no data: everything comes from the API after sign-in.
 */

// The same place from src/modules/console (tsx, tests) and dist/modules/console (npm start): <root>/dist/console.
export const CONSOLE_DIR = new URL('../../../dist/console/', import.meta.url)

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2'
}

const readBundle = () => {
  const index = new URL('index.html', CONSOLE_DIR)
  if (!existsSync(index)) {
    return null
  }
  const assetsDir = new URL('assets/', CONSOLE_DIR)
  const assets = new Map<string, { type: string; body: Buffer }>()
  for (const file of existsSync(assetsDir) ? readdirSync(assetsDir) : []) {
    const type = TYPES[file.split('.').pop() ?? '']
    if (type) {
      assets.set(file, { type, body: readFileSync(new URL(file, assetsDir)) })
    }
  }
  return { html: readFileSync(index, 'utf8'), assets }
}

export const consoleModule: FastifyPluginAsync = async (app) => {
  const bundle = readBundle()
  if (!bundle) {
    app.log.warn('the review console is not built (npm run build:console): /console answers 503')
  }
  const hide = { hide: true }

  const page = async (_request: unknown, reply: FastifyReply) => {
    if (!bundle) {
      throw new AppError('SERVICE_UNAVAILABLE', 'The review console has not been built: run npm run build.')
    }
    return reply.type('text/html; charset=utf-8').send(bundle.html)
  }
  app.get('/console', { schema: hide }, page)
  app.get('/console/', { schema: hide }, page)

  app.get<{ Params: { file: string } }>('/console/assets/:file', { schema: hide }, async (request, reply) => {
    const asset = bundle?.assets.get(request.params.file)
    if (!asset) {
      throw new AppError('NOT_FOUND', 'Not found.')
    }
    return reply.type(asset.type).send(asset.body)
  })
}
