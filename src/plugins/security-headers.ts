import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'

/**
 * R32 headers on every response, errors included: a strict CSP with no third-party source (the reporter form and
 * /docs load only their own assets), HSTS for a year, no referrer, no caching, and no powerful browser features.
 * @fastify/helmet does not set Cache-Control or Permissions-Policy, so they are added here.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  // HSTS does the upgrading; upgrade-insecure-requests would break plain-HTTP use on localhost.
  upgradeInsecureRequests: null
}

export const PERMISSIONS_POLICY =
  'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()'

export default fp(
  async (app) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      crossOriginEmbedderPolicy: true,
      frameguard: { action: 'deny' }
    })

    app.addHook('onRequest', async (_request, reply) => {
      reply.header('Cache-Control', 'no-store')
      reply.header('Permissions-Policy', PERMISSIONS_POLICY)
    })
  },
  { name: 'security-headers', fastify: '5.x' }
)
