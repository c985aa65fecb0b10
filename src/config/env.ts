import { isIP } from 'node:net'
import path from 'node:path'
import { getHeapStatistics } from 'node:v8'
import { z } from 'zod'
import { roundToBase } from '../lib/disclosure/published.js'

/**
 * Every setting Candid reads from its environment, parsed once at start-up (src/server.ts, src/cli/*) and passed
 * down as a frozen object: no module reads process.env on its own. Unknown variables are ignored; a wrong value
 * stops start-up with a message naming the variable.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const zBoolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes')

const zInteger = (min: number, max: number) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .min(min, { error: `expected a whole number from ${min} to ${max}` })
    .max(max, { error: `expected a whole number from ${min} to ${max}` })

const zPostgresUrl = z
  .string()
  .trim()
  .refine(
    (value) => {
      try {
        const url = new URL(value)
        return (url.protocol === 'postgresql:' || url.protocol === 'postgres:') && url.pathname.length > 1
      } catch {
        return false
      }
    },
    { error: 'expected postgresql://user@host:port/database' }
  )

const isAddressOrCidr = (entry: string) => {
  const [address = '', prefix, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) {
    return false
  }
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128))
}

/** "a, b ,c" → ["a", "b", "c"] */
const zCommaList = z
  .string()
  .trim()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
  )

// R31: the proxy must be named by address or CIDR; `true` or a hop count would let any client forge X-Forwarded-For.
const zTrustProxy = zCommaList.refine((entries) => entries.every(isAddressOrCidr), {
  error: 'expected a comma-separated list of proxy IP addresses or CIDR ranges (never true or a hop count)'
})

export const DEFAULT_REGIONS = [
  'north-east',
  'north-west',
  'yorkshire-humber',
  'east-midlands',
  'west-midlands',
  'east',
  'london',
  'south-east',
  'south-west'
] as const

const zRegions = zCommaList.refine((entries) => entries.length > 0 && entries.every((entry) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(entry)), {
  error: 'expected a comma-separated list of region slugs (lower-case letters, digits and hyphens)'
})

// 32+ random bytes, as base64 or hex: `openssl rand -base64 32`.
const zSecret = z
  .string()
  .trim()
  .transform((value) => (/^[0-9a-f]+$/i.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64')))
  .refine((bytes) => bytes.length >= 32 && new Set(bytes).size >= 16, {
    error: 'expected at least 32 random bytes as base64 or hex (openssl rand -base64 32)'
  })

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: zInteger(0, 65535).default(3000),
  DATABASE_URL: zPostgresUrl.optional(),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DB_POOL_MAX: zInteger(1, 200).default(10),
  MIGRATE_ON_START: zBoolean.default(true),
  INIT_KEYS_ON_START: zBoolean.default(true),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  TRUST_PROXY: zTrustProxy.optional(),
  SHUTDOWN_GRACE_MS: zInteger(0, 120_000).default(10_000),
  MAX_EVENT_LOOP_DELAY_MS: zInteger(0, 60_000).default(1000),
  MAX_EVENT_LOOP_UTILIZATION: z.coerce
    .number({ error: 'expected a number from 0 to 1' })
    .min(0, { error: 'expected a number from 0 to 1' })
    .max(1, { error: 'expected a number from 0 to 1' })
    .default(0.98),
  MAX_HEAP_USED_BYTES: zInteger(0, Number.MAX_SAFE_INTEGER).optional(),
  SERVER_SECRET: zSecret.optional(),
  REGIONS: zRegions.optional(),
  // Issue 17.6: reports reach the review table in batches, every this many seconds (0: right after each report,
  // for tests only; refused in production).
  INTAKE_BATCH_SECONDS: zInteger(0, 86_400).default(600),
  RATE_LIMIT_INTAKE_PER_10MIN: zInteger(1, 1_000_000_000).default(10),
  RATE_LIMIT_PREVIEW_PER_MIN: zInteger(1, 1_000_000_000).default(60),
  RATE_LIMIT_RECEIPT_PER_MIN: zInteger(1, 1_000_000_000).default(30),
  RATE_LIMIT_LOGIN_PER_MIN: zInteger(1, 1_000_000_000).default(10),
  RATE_LIMIT_API_KEY_PER_HOUR: zInteger(1, 1_000_000_000).default(60),
  RATE_LIMIT_API_KEY_FAILURES_PER_MIN: zInteger(1, 1_000_000_000).default(20),
  RETENTION_MONTHS_AFTER_CLOSURE: zInteger(1, 1200).default(12),
  RETENTION_SWEEP_MINUTES: zInteger(0, 10_080).default(360),
  PUBLISH_AFTER_DAYS: zInteger(14, 366).default(14),
  PUBLISH_CHECK_MINUTES: zInteger(0, 10_080).default(60),
  SUPPRESS_BELOW: zInteger(10, 1000).default(10),
  ROUND_TO: zInteger(5, 100).default(5),
  // Below the 10 s connection timeout (R31), so a lead's question that runs too long is answered, not cut off.
  ANALYSIS_QUERY_TIMEOUT_MS: zInteger(100, 9_000).default(8_000),
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\/\S+$/, { error: 'expected redis://host:port or rediss://…' })
    .optional(),
  SMTP_URL: z
    .string()
    .trim()
    .regex(/^smtps?:\/\/\S+$/, { error: 'expected smtp://host:port or smtps://user:password@host:port' })
    .optional(),
  ALERT_FROM: z.string().trim().min(3).max(200).default('Candid alerts <alerts@candid.invalid>'),
  ALERT_DELIVERY_SECONDS: zInteger(0, 86_400).default(15),
  ALERT_LEASE_SECONDS: zInteger(1, 86_400).default(120),
  ALERT_RETRY_SECONDS: zInteger(1, 86_400).default(30),
  // Off: webhooks go to public addresses only (src/lib/outbound-post.ts). On for a receiver inside your own network.
  WEBHOOK_PRIVATE_ADDRESSES: zBoolean.default(false)
})

export type TEnv = z.input<typeof ZEnv>

export type Config = Readonly<{
  nodeEnv: 'development' | 'test' | 'production'
  isProduction: boolean
  host: string
  port: number
  database: Readonly<{ kind: 'postgres'; url: string; poolMax: number } | { kind: 'pglite'; dataDir: string }>
  dataDir: string
  migrateOnStart: boolean
  /** Create the team key pair on the first start (printing its recovery key), or wait for `admin init`. */
  initKeysOnStart: boolean
  logLevel: (typeof LOG_LEVELS)[number]
  trustProxy: readonly string[] | false
  shutdownGraceMs: number
  pressure: Readonly<{ maxEventLoopDelayMs: number; maxEventLoopUtilization: number; maxHeapUsedBytes: number }>
  /** From SERVER_SECRET; undefined means "keep a generated one in the database". */
  serverSecret: Uint8Array | undefined
  regions: readonly string[]
  rateLimits: Readonly<{
    intakePer10Min: number
    previewPerMin: number
    receiptPerMin: number
    loginPerMin: number
    /** Requests per API key (not per address) per hour (R26: 60). */
    apiKeyPerHour: number
    /** Refused API-key attempts per client address per minute before every attempt from it is refused. */
    apiKeyFailuresPerMin: number
  }>
  /**
   * Reports are held, then moved into the review table together every `intakeBatchSeconds` (on the clock's
   * multiples of it, so every instance flushes at the same moments): a copy of the database can place a report's
   * arrival only within that window. 0 flushes right after each report (tests).
   */
  intakeBatchSeconds: number
  /** Share rate-limit counters between instances through this Redis (keys are HMACs, kept minutes). */
  redisUrl: string | undefined
  /** Narratives and messages are destroyed this long after a report is closed; 0 minutes turns the sweep off. */
  retention: Readonly<{ monthsAfterClosure: number; sweepMinutes: number }>
  /**
   * Regional summaries: a quarter is published `afterDays` after it ends (R30: at least 14), checked every
   * `checkMinutes` (0: only by the CLI); counts below `threshold` are suppressed and the rest rounded to `base`.
   */
  publication: Readonly<{ afterDays: number; checkMinutes: number; threshold: number; base: number }>
  /** The longest a count over the analysis record (a trend with two or more filters) may run before 503. */
  analysisQueryTimeoutMs: number
  /**
   * Hazard alerts: sent by e-mail through `smtpUrl` (none: e-mail rows wait) and signed webhooks, from an outbox
   * checked every `everySeconds` (0: never in this instance); a row being sent is leased for `leaseSeconds`; a
   * failed attempt waits `retrySeconds` × 2^(attempts − 1), at most a day.
   */
  alerts: Readonly<{
    smtpUrl: string | undefined
    from: string
    everySeconds: number
    leaseSeconds: number
    retrySeconds: number
    /** May webhooks reach loopback, private and link-local addresses (src/lib/outbound-post.ts). */
    webhookPrivateAddresses: boolean
  }>
}>

export class ConfigError extends Error {
  constructor (readonly issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Parses the environment into a frozen Config, or throws a ConfigError listing every wrong variable by name.
 * Empty strings count as unset, so `PORT=` in a .env file falls back to the default rather than failing.
 */
export const loadConfig = (source: Record<string, string | undefined> = process.env): Config => {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''))
  const parsed = ZEnv.superRefine((env, context) => {
    // Shared limits need the same daily key on every instance, and it must not be derivable from the database.
    if (env.REDIS_URL && !env.SERVER_SECRET) {
      context.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message: 'needs SERVER_SECRET set too: instances share rate-limit keys derived from it'
      })
    }
    // A flush after every report would put each report's arrival back in the database's transaction order.
    if (env.NODE_ENV === 'production' && env.INTAKE_BATCH_SECONDS === 0) {
      context.addIssue({
        code: 'custom',
        path: ['INTAKE_BATCH_SECONDS'],
        message: 'must be at least 1 in production (0 places every report\'s arrival exactly; the default is 600)'
      })
    }
    // A batch across midnight would hold reports of two dates: each date's share of it would be a narrower window.
    if (env.INTAKE_BATCH_SECONDS > 0 && 86_400 % env.INTAKE_BATCH_SECONDS !== 0) {
      context.addIssue({
        code: 'custom',
        path: ['INTAKE_BATCH_SECONDS'],
        message: 'must divide a day (86400) so that no batch straddles midnight, e.g. 300, 600, 900, 1800 or 3600'
      })
    }
    // The disclosure library refuses such a pair at every publication (a count just at the threshold would be
    // published below it), so the server would start and then never publish: refuse it before it starts.
    const rounded = roundToBase(env.SUPPRESS_BELOW, env.ROUND_TO)
    if (rounded < env.SUPPRESS_BELOW) {
      context.addIssue({
        code: 'custom',
        path: ['SUPPRESS_BELOW'],
        message: `${env.SUPPRESS_BELOW} does not go with ROUND_TO=${env.ROUND_TO}: a count of ${env.SUPPRESS_BELOW} ` +
          `would be published as ${rounded}, below SUPPRESS_BELOW, so every publication would fail; choose a ` +
          `SUPPRESS_BELOW that ROUND_TO rounds up or leaves as it is (e.g. ${rounded + env.ROUND_TO}), or another ROUND_TO`
      })
    }
  }).safeParse(present)

  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)'
        const message = issue.code === 'invalid_value' ? `expected one of ${issue.values.join(', ')}` : issue.message
        return `${name}: ${message}`
      })
    )
  }

  const env = parsed.data
  const dataDir = path.resolve(env.DATA_DIR)

  return Object.freeze({
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    host: env.HOST,
    port: env.PORT,
    database: Object.freeze(
      env.DATABASE_URL
        ? { kind: 'postgres' as const, url: env.DATABASE_URL, poolMax: env.DB_POOL_MAX }
        : { kind: 'pglite' as const, dataDir: path.join(dataDir, 'pglite') }
    ),
    dataDir,
    migrateOnStart: env.MIGRATE_ON_START,
    initKeysOnStart: env.INIT_KEYS_ON_START,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY && env.TRUST_PROXY.length > 0 ? Object.freeze(env.TRUST_PROXY) : false,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    pressure: Object.freeze({
      maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: env.MAX_EVENT_LOOP_UTILIZATION,
      // R36: shed load at 80% of the heap the process may use unless the operator names a figure.
      maxHeapUsedBytes: env.MAX_HEAP_USED_BYTES ?? Math.floor(getHeapStatistics().heap_size_limit * 0.8)
    }),
    serverSecret: env.SERVER_SECRET ? new Uint8Array(env.SERVER_SECRET) : undefined,
    regions: Object.freeze(env.REGIONS ?? [...DEFAULT_REGIONS]),
    rateLimits: Object.freeze({
      intakePer10Min: env.RATE_LIMIT_INTAKE_PER_10MIN,
      previewPerMin: env.RATE_LIMIT_PREVIEW_PER_MIN,
      receiptPerMin: env.RATE_LIMIT_RECEIPT_PER_MIN,
      loginPerMin: env.RATE_LIMIT_LOGIN_PER_MIN,
      apiKeyPerHour: env.RATE_LIMIT_API_KEY_PER_HOUR,
      apiKeyFailuresPerMin: env.RATE_LIMIT_API_KEY_FAILURES_PER_MIN
    }),
    intakeBatchSeconds: env.INTAKE_BATCH_SECONDS,
    redisUrl: env.REDIS_URL,
    retention: Object.freeze({
      monthsAfterClosure: env.RETENTION_MONTHS_AFTER_CLOSURE,
      sweepMinutes: env.RETENTION_SWEEP_MINUTES
    }),
    publication: Object.freeze({
      afterDays: env.PUBLISH_AFTER_DAYS,
      checkMinutes: env.PUBLISH_CHECK_MINUTES,
      threshold: env.SUPPRESS_BELOW,
      base: env.ROUND_TO
    }),
    analysisQueryTimeoutMs: env.ANALYSIS_QUERY_TIMEOUT_MS,
    alerts: Object.freeze({
      smtpUrl: env.SMTP_URL,
      from: env.ALERT_FROM,
      everySeconds: env.ALERT_DELIVERY_SECONDS,
      leaseSeconds: env.ALERT_LEASE_SECONDS,
      retrySeconds: env.ALERT_RETRY_SECONDS,
      webhookPrivateAddresses: env.WEBHOOK_PRIVATE_ADDRESSES
    })
  })
}

/** Every variable loadConfig reads, for documentation checks. */
export const ENV_VARIABLES: readonly string[] = Object.keys(ZEnv.shape)
