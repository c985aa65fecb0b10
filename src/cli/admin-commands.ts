import { parseArgs } from 'node:util'
import { type Config, loadConfig } from '../config/env.js'
import { type Database, openDatabase } from '../db/database.js'
import { migrateDatabase } from '../db/migrator.js'
import { deriveKey } from '../lib/crypto/secrets.js'
import { loadSodium } from '../lib/crypto/sodium.js'
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.js'
import {
  checkRegion,
  createApiKeysService,
  DEFAULT_DAYS,
  expiryDate,
  MAX_DAYS
} from '../modules/api-keys/api-keys.service.js'
import { createEnrolmentRepository } from '../modules/enrolment/enrolment.repository.js'
import { createEnrolmentService } from '../modules/enrolment/enrolment.service.js'
import { createKeysRepository } from '../modules/keys/keys.repository.js'
import { createKeysService } from '../modules/keys/keys.service.js'
import { createRotationRepository } from '../modules/keys/rotation.repository.js'
import { createRotationService } from '../modules/keys/rotation.service.js'
import { createRetentionRepository } from '../modules/retention/retention.repository.js'
import { createRetentionService } from '../modules/retention/retention.service.js'
import { createTaxonomyRepository } from '../modules/taxonomy/taxonomy.repository.js'
import { createTaxonomyService } from '../modules/taxonomy/taxonomy.service.js'
import { createUsersRepository } from '../modules/users/users.repository.js'
import { createUsersService, normaliseEmail, ROLES } from '../modules/users/users.service.js'
import type { CliIo } from './run.js'

/**
 * npm run --silent admin -- <command>: operator commands (src/cli/admin.ts runs them in a process; tests call
 * `adminCommand` directly). Output formats are a contract scripts rely on.
 *   init                                   create the review team key pair (once); last line `recovery-key: <key>`
 *   create-user --email E --role R        password on stdin line 1, optionally the recovery key on line 2 (lets
 *                                          the user unseal); last line is the user's TOTP `otpauth://` URI
 *   reset-password --email E               new password on stdin line 1, optionally the recovery key on line 2
 *   disable-user --email E                 disable the user and end their sessions
 *   reset-totp --email E                   void the user's authenticator at once; last line
 *                                          `enrolment-link: /console#enrol=<token>` (one use, 72 hours), to open on
 *                                          the server's address, where they scan a new QR code
 *   list-users                             one line per user: email, role, status, can unseal, created
 *   retention-sweep                        destroy narratives and messages past retention now; prints the count
 *   rotate-team-key                        recovery key on stdin: new team key version, every data key re-sealed
 *                                          to it, reviewers re-granted, sessions ended; last line `version: <n>`
 *   reseal                                 recovery key on stdin: re-seal whatever is not sealed to the newest key
 *   create-api-key --region R [--days N] [--label L]
 *                                          an API key for one region, lasting N days (1-366, default 365, at most
 *                                          12 months); prints its expiry; last line `api-key: <key>`, shown once
 *   list-api-keys                          one line per key: prefix, region, label, created, `expires <date>` (or
 *                                          `expired <date>`), `revoked <date>`
 *   revoke-api-key --prefix P              refuse the key from its next request
 *   publish-quarter --quarter YYYY-Qn      freeze the quarter's regional summaries (once closed 14+ days)
 *   overdue-actions                        one line per open action past its due date: due date, status, owner,
 *                                          id, description (tab-separated; nothing when none is overdue)
 *   server-secret --show                   the generated server secret kept in the database (when SERVER_SECRET was
 *                                          never set); a warning on stderr, last line `server-secret: <base64>`
 *   server-secret --forget                 delete that secret from the database, only once SERVER_SECRET is set to
 *                                          it (refused, exit 1, otherwise); see docs/keys.md "The server secret"
 */

const USAGE = `usage: admin <command>
  init
  create-user --email <address> --role <${ROLES.join('|')}>   (stdin: password, then optionally the recovery key)
  reset-password --email <address>                         (stdin: password, then optionally the recovery key)
  disable-user --email <address>
  reset-totp --email <address>
  list-users
  retention-sweep
  rotate-team-key                                          (stdin: the recovery key)
  reseal                                                   (stdin: the recovery key)
  create-api-key --region <region> [--days <1-${MAX_DAYS}, default ${DEFAULT_DAYS}>] [--label <text>]
  list-api-keys
  revoke-api-key --prefix <prefix>
  publish-quarter --quarter <YYYY-Qn>
  overdue-actions
  server-secret --show | --forget                          (--forget needs SERVER_SECRET set to the shown secret)`

const services = async (db: Database, serverSecret: Uint8Array | undefined) => {
  const sodium = await loadSodium()
  const keys = createKeysService({ repository: createKeysRepository(db.prisma), sodium })
  const master = await keys.resolveServerSecret(serverSecret)
  const totpKey = deriveKey(sodium, master, 'totp')
  const users = createUsersService({ repository: createUsersRepository(db.prisma), sodium, totpKey })
  // The same subkey the server's key ring holds (src/plugins/crypto.ts), so the keys made here verify there.
  const apiKeyPepper = deriveKey(sodium, master, 'apiKey')
  return { keys, users, sodium, apiKeyPepper, totpKey }
}

type Services = Awaited<ReturnType<typeof services>>

/** The configuration a command runs under: the running server's when it runs there (src/cli/admin-socket.ts). */
const configOf = (io: CliIo): Config => io.server?.config ?? loadConfig(io.env)

/**
 * The database, migrated: inside a running server its own handle (already migrated, and not closed here), otherwise
 * opened for the command alone.
 */
const withDatabase = async <T>(io: CliIo, work: (db: Database, config: Config) => Promise<T>): Promise<T> => {
  if (io.server) {
    return work(io.server.db, io.server.config)
  }
  const config = loadConfig(io.env)
  const db = await openDatabase(config.database)
  try {
    await migrateDatabase(db)
    return await work(db, config)
  } finally {
    await db.close()
  }
}

const withServices = async <T>(
  io: CliIo,
  work: (services: Services, db: Database, config: Config) => Promise<T>
): Promise<T> => {
  return withDatabase(io, async (db, config) => work(await services(db, config.serverSecret), db, config))
}

/**
 * The database alone, migrated, for the server-secret commands: they must run when the server secret does not match
 * (that is when an operator needs `--show`), so they do not resolve it as `withServices` does.
 */
const withKeysService = async <T>(
  io: CliIo,
  work: (keys: ReturnType<typeof createKeysService>, config: Config) => Promise<T>
): Promise<T> => {
  return withDatabase(io, async (db, config) =>
    work(createKeysService({ repository: createKeysRepository(db.prisma), sodium: await loadSodium() }), config)
  )
}

const serverSecret = (io: CliIo, { show, forget }: { show?: boolean; forget?: boolean }) => {
  if (show === forget) {
    throw new Error(`server-secret takes --show or --forget\n${USAGE}`)
  }
  if (show) {
    return withKeysService(io, async (keys) => {
      const stored = await keys.showServerSecret()
      if (stored === null) {
        throw new Error(
          'There is no generated server secret in the database: SERVER_SECRET keys this service (or it has not ' +
            'started yet). Nothing to show.'
        )
      }
      io.warn('WARNING: this is the server secret Candid generated and keeps in the database. With it and a copy of')
      io.warn("the database anyone can open reviewers' TOTP secrets and match receipts and API keys. Put it in your")
      io.warn('secrets manager as SERVER_SECRET (not in shell history, a ticket or a log), start Candid with it, then')
      io.warn('run `npm run --silent admin -- server-secret --forget` to delete it from the database.')
      io.out(`server-secret: ${stored}`)
    })
  }
  return withKeysService(io, async (keys, config) => {
    if (await keys.forgetServerSecret(config.serverSecret)) {
      io.out('Deleted the generated server secret from the database. SERVER_SECRET is now its only copy: keep it in')
      io.out('your secrets manager and back it up apart from the database; Candid will not start without it.')
    } else {
      io.out('There is no generated server secret in the database: nothing to forget.')
    }
  })
}

/** stdin as lines: the password first, then (optionally) the recovery key. */
const readSecrets = async (io: CliIo): Promise<{ password: string; recoveryKey?: string }> => {
  const input = await io.readStdin()
  if (input === null) {
    throw new Error('Pipe the password (and optionally the recovery key) on stdin, one per line; see `admin` usage.')
  }
  const [password = '', recoveryKey] = input.split(/\r?\n/)
  return { password, recoveryKey: recoveryKey?.trim() || undefined }
}

const readRecoveryKey = async (io: CliIo): Promise<string> => {
  const input = await io.readStdin()
  if (input === null) {
    throw new Error('Pipe the recovery key on stdin.')
  }
  const [recoveryKey = ''] = input.split(/\r?\n/)
  if (!recoveryKey.trim()) {
    throw new Error('The recovery key is required on stdin.')
  }
  return recoveryKey.trim()
}

const requireOption = (value: string | undefined, name: string): string => {
  if (!value) {
    throw new Error(`--${name} is required\n${USAGE}`)
  }
  return value
}

const apiKeysService = (db: Database, config: Config) =>
  createApiKeysService({ repository: createApiKeysRepository(db.prisma), regions: config.regions })

const init = (io: CliIo) =>
  withServices(io, async ({ keys }) => {
    const created = await keys.initialise()
    if (!created) {
      const existing = await keys.findTeamPublicKey()
      io.out(`Candid is already initialised (team key version ${existing?.version}); its recovery key was shown then.`)
      return
    }
    io.out('Created the review team key pair. The recovery key below is shown once and stored nowhere:')
    io.out('keep it offline (split between two people); it is the last way back to every report.')
    io.out(`recovery-key: ${created.recoveryKey}`)
  })

/** Runs one admin command; throws an Error whose message is what the operator reads (the exit status is then 1). */
export const adminCommand = async (args: readonly string[], io: CliIo): Promise<void> => {
  const out = io.out
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      // Multiple only so that a second --region is refused rather than quietly replacing the first.
      region: { type: 'string', multiple: true },
      days: { type: 'string' },
      label: { type: 'string' },
      prefix: { type: 'string' },
      quarter: { type: 'string' },
      show: { type: 'boolean' },
      forget: { type: 'boolean' }
    }
  })
  const [command, ...rest] = positionals
  if (rest.length > 0) {
    throw new Error(USAGE)
  }
  switch (command) {
    case 'init':
      return init(io)
    case 'create-user': {
      const email = requireOption(values.email, 'email')
      const role = requireOption(values.role, 'role') as (typeof ROLES)[number]
      const { password, recoveryKey } = await readSecrets(io)
      return withServices(io, async ({ keys, users }) => {
        const team = recoveryKey ? await keys.openWithRecoveryKey(recoveryKey) : undefined
        const { totpUri } = await users.create({ email, role, password, team })
        out(`Created ${role} ${normaliseEmail(email)}${team ? ', able to unseal reports' : ' (cannot unseal reports until granted)'}.`)
        out('Add this to their authenticator app (it is shown once):')
        out(totpUri)
      })
    }
    case 'reset-password': {
      const email = requireOption(values.email, 'email')
      const { password, recoveryKey } = await readSecrets(io)
      return withServices(io, async ({ keys, users }) => {
        const team = recoveryKey ? await keys.openWithRecoveryKey(recoveryKey) : undefined
        await users.resetPassword({ email, password, team })
        out(`New password set for ${email}; their sessions are ended.${team ? '' : ' They cannot unseal reports until granted again.'}`)
      })
    }
    case 'disable-user': {
      const email = requireOption(values.email, 'email')
      return withServices(io, async ({ users }) => {
        await users.disable(email)
        out(`Disabled ${email}; their sessions are ended.`)
      })
    }
    case 'reset-totp': {
      const email = requireOption(values.email, 'email')
      return withServices(io, async ({ sodium, totpKey }, db) => {
        const user = await createUsersRepository(db.prisma).findByEmail(normaliseEmail(email))
        if (!user) {
          throw new Error(`There is no user ${normaliseEmail(email)}.`)
        }
        // The same service as the console's "Reset authenticator", so the link works the same way.
        const enrolment = createEnrolmentService({
          repository: createEnrolmentRepository(db.prisma),
          users: createUsersRepository(db.prisma),
          keys: { get: () => ({ sodium, totpKey }) }
        })
        const { enrolmentLink, expiresOn } = await enrolment.resetAuthenticator(user.id)
        out(`The authenticator of ${user.email} no longer signs in. Give them this link (shown once; it works once,`)
        out(`until ${expiresOn}) after this server's address, e.g. https://candid.example.org/console#enrol=…; they`)
        out('scan a new QR code there and confirm a code. Their password stays; their sessions have ended.')
        out(`enrolment-link: ${enrolmentLink}`)
      })
    }
    case 'list-users':
      return withServices(io, async ({ users }) => {
        for (const user of await users.list()) {
          out(`${user.email}\t${user.role}\t${user.status}\t${user.canUnseal ? 'can-unseal' : 'cannot-unseal'}\t${user.createdOn}`)
        }
      })
    case 'rotate-team-key':
    case 'reseal': {
      const recoveryKey = await readRecoveryKey(io)
      return withServices(io, async ({ sodium }, db) => {
        const rotation = createRotationService({ repository: createRotationRepository(db.prisma), sodium })
        const result = command === 'reseal' ? await rotation.reseal(recoveryKey) : await rotation.rotate(recoveryKey)
        out(`re-sealed: ${result.reports} reports, ${result.messages} messages, ${result.codings} codings; re-granted: ${result.grants} users`)
        if (command === 'rotate-team-key') {
          out('Every session has ended. Running servers seal new reports to the new key within a minute; run')
          out('`admin reseal` after that minute to re-seal any report filed in between.')
        }
        out(`version: ${result.version}`)
      })
    }
    case 'create-api-key': {
      if (!values.region?.length) {
        throw new Error(`--region is required\n${USAGE}`)
      }
      if (values.region.length > 1) {
        throw new Error(`An API key is for one region only (R26): give --region once, and make one key per region.\n${USAGE}`)
      }
      if (values.days !== undefined && !/^\d{1,4}$/.test(values.days)) {
        throw new Error(`--days takes a whole number of days, 1 to ${MAX_DAYS}\n${USAGE}`)
      }
      const days = values.days === undefined ? DEFAULT_DAYS : Number(values.days)
      // Checked before the database is opened; the service checks again.
      const region = checkRegion(values.region, configOf(io).regions)
      expiryDate(new Date(), days)
      return withServices(io, async ({ apiKeyPepper }, db, config) => {
        const apiKeys = apiKeysService(db, config)
        const created = await apiKeys.create([region], values.label ?? '', { pepper: apiKeyPepper, days })
        out(`Created API key ${created.prefix} for ${region}; it expires on ${created.expiresOn} (refused from 00:00 UTC that day).`)
        out('It is shown once and stored only as a keyed hash: hand it over now, over a channel that does not keep it.')
        out('Clients send it only as Authorization: Bearer <key>; a key in a URL is refused.')
        out(`api-key: ${created.key}`)
      })
    }
    case 'list-api-keys':
      return withServices(io, async (_services, db, config) => {
        const apiKeys = apiKeysService(db, config)
        for (const key of await apiKeys.list()) {
          const expiry = `${key.expired ? 'expired' : 'expires'} ${key.expiresOn}`
          const revoked = key.revokedOn ? `\trevoked ${key.revokedOn}` : ''
          out(`${key.prefix}\t${key.regions.join(',')}\t${key.label}\t${key.createdOn}\t${expiry}${revoked}`)
        }
      })
    case 'revoke-api-key': {
      const prefix = requireOption(values.prefix, 'prefix')
      return withServices(io, async (_services, db, config) => {
        const apiKeys = apiKeysService(db, config)
        const { revokedOn, wasRevoked } = await apiKeys.revoke(prefix)
        out(
          wasRevoked
            ? `API key ${prefix} was already revoked on ${revokedOn}.`
            : `Revoked API key ${prefix} on ${revokedOn}; it is refused from its next request.`
        )
      })
    }
    case 'retention-sweep':
      return withServices(io, async (_services, db, config) => {
        const retention = createRetentionService({
          repository: createRetentionRepository(db.prisma),
          monthsAfterClosure: config.retention.monthsAfterClosure
        })
        out(`destroyed: ${await retention.sweep()}`)
      })
    case 'publish-quarter': {
      const quarter = requireOption(values.quarter, 'quarter')
      return withServices(io, async (_services, db, config) => {
        // Loaded here only: disclosure control compiles HiGHS's WebAssembly on import, which no other command needs.
        const [{ createPublicationRepository }, { createSummariesService }] = await Promise.all([
          import('../modules/summaries/publication.repository.js'),
          import('../modules/summaries/summaries.service.js')
        ])
        const summaries = createSummariesService({
          repository: createPublicationRepository(db.prisma),
          taxonomy: createTaxonomyService(createTaxonomyRepository(db.prisma)),
          regions: config.regions,
          afterDays: config.publication.afterDays,
          threshold: config.publication.threshold,
          base: config.publication.base
        })
        const outcome = await summaries.publish(quarter)
        out(
          outcome.outcome === 'already'
            ? `${quarter} is already published; a publication never changes.`
            : `published ${quarter}: ${outcome.regions} regions, ${outcome.reports} reports`
        )
      })
    }
    case 'overdue-actions':
      return withServices(io, async (_services, db) => {
        const [{ createActionsRepository }, { createActionsService }] = await Promise.all([
          import('../modules/actions/actions.repository.js'),
          import('../modules/actions/actions.service.js')
        ])
        const actions = createActionsService({
          repository: createActionsRepository(db.prisma),
          taxonomy: createTaxonomyService(createTaxonomyRepository(db.prisma))
        })
        for (const action of (await actions.list({ overdue: true })).actions) {
          // Tabs and line breaks inside a text would break the columns scripts read.
          const text = (value: string) => value.replace(/\s+/g, ' ')
          out(`${action.dueOn}\t${action.status}\t${text(action.owner)}\t${action.id}\t${text(action.description)}`)
        }
      })
    case 'server-secret':
      return serverSecret(io, values)
    default:
      throw new Error(USAGE)
  }
}
