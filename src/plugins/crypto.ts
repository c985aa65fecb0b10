import fp from 'fastify-plugin'
import type { Config } from '../config/env.js'
import { deriveKey } from '../lib/crypto/secrets.js'
import { AppError } from '../lib/errors.js'
import { loadSodium, type Sodium } from '../lib/crypto/sodium.js'
import { createKeysRepository } from '../modules/keys/keys.repository.js'
import { createKeysService, ServerSecretMismatchError, type TeamPublicKey } from '../modules/keys/keys.service.js'

/**
 * The service's keys, held in memory for the life of the process: the team public key (to seal narratives to)
 * and subkeys of the server secret. No secret key that can open a narrative is ever here. On the very first
 * start the team key pair is created and its recovery key handed to `onRecoveryKey` once (by default printed to
 * the terminal, never to the log). Without a terminal (stdout is a pipe or a file that a process manager or
 * container runtime collects) the key is not created here: a recovery key written there lands in a log, so the
 * server waits, not ready, for `admin init` (issue 17.8).
 */

export type AppCrypto = {
  sodium: Sodium
  teamKey: TeamPublicKey
  /** Keys receipts are hashed with. */
  receiptKey: Uint8Array
  /** Keys the Idempotency-Key hash and the request MAC. */
  idempotencyKey: Uint8Array
  /** Mixed with an Idempotency-Key to seal its stored response. */
  idempotencySealKey: Uint8Array
  /** Seals reviewers' TOTP secrets at rest. */
  totpKey: Uint8Array
  /** Keys the hash that sign-in throttling keeps of an account name. */
  loginThrottleKey: Uint8Array
  /** Derives each report's reporter key pair from its receipt (follow-up messages are sealed to it). */
  reporterKey: Uint8Array
  /**
   * The pepper API keys are stored under (HMAC-SHA-256, R26): a database copy without the server secret cannot
   * test a guessed or leaked key against the stored hashes. `admin create-api-key` derives the same key.
   */
  apiKeyPepper: Uint8Array
}

/**
 * The keys, once loaded. Loading needs a migrated, reachable database; until then `get()` answers 503 and
 * readiness says why, and loading is retried in the background (a server may start before its database).
 */
export type KeyRing = {
  get(): AppCrypto
  isReady(): boolean
  /** Why the keys are not loaded yet, when an operator can do something about it (readiness says so). */
  notReadyReason(): string | undefined
  /** Picks up a team key rotated by `admin rotate-team-key` (also done every minute on its own). */
  refreshTeamKey(): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    keys: KeyRing
  }
}

export type CryptoPluginOptions = {
  config: Config
  onRecoveryKey?: (recoveryKey: string) => void
}

export const printRecoveryKey = (recoveryKey: string) => {
  process.stdout.write(
    [
      '',
      '  Candid has created the review team key. This is its RECOVERY KEY, shown once:',
      '',
      `      ${recoveryKey}`,
      '',
      '  Without it (or a reviewer account) no report can ever be read. Store it offline, split between two',
      '  people; do not keep it on this server. `npm run admin -- create-user` uses it to let reviewers read.',
      '',
      ''
    ].join('\n')
  )
}

const RETRY_MS = 5000

class NoTeamKeyError extends Error {
  override name = 'NoTeamKeyError'
  constructor () {
    super(NO_TEAM_KEY_MESSAGE)
  }
}

/** Where the first start may show the recovery key: only to a person at a terminal, never into collected output. */
export const terminalRecoveryKeyPrinter = (stdout: { isTTY?: boolean } = process.stdout) =>
  stdout.isTTY === true ? printRecoveryKey : undefined

export const NO_TEAM_KEY_MESSAGE =
  'There is no team key yet: run `npm run admin -- init` (node dist/cli/admin.js init), which prints the recovery ' +
  'key once. The server creates it itself only with INIT_KEYS_ON_START=true and when started at a terminal, so ' +
  'that the key never reaches a log.'

export default fp<CryptoPluginOptions>(
  async (app, { config, onRecoveryKey = terminalRecoveryKeyPrinter() }) => {
    const sodium = await loadSodium()
    const keys = createKeysService({ repository: createKeysRepository(app.db.prisma), sodium })
    let loaded: AppCrypto | undefined

    const load = async () => {
      const created = config.initKeysOnStart && onRecoveryKey ? await keys.initialise() : null
      if (created) {
        app.log.warn({ keyVersion: created.version }, 'team key created; recovery key shown on the terminal')
        onRecoveryKey?.(created.recoveryKey)
      }
      const teamKey = await keys.findTeamPublicKey()
      if (!teamKey) {
        throw new NoTeamKeyError()
      }
      const master = await keys.resolveServerSecret(config.serverSecret)
      if (!config.serverSecret) {
        app.log.warn(
          'SERVER_SECRET is not set: the server secret is generated and kept in the database, so a copy of the ' +
            "database opens reviewers' TOTP secrets (MFA then rests on the password alone) and can match receipts " +
            'and API keys. Move it out: `npm run --silent admin -- server-secret --show`, set SERVER_SECRET to what ' +
            'it prints (from a secrets manager), then `npm run --silent admin -- server-secret --forget` ' +
            '(docs/keys.md, "The server secret")'
        )
      } else if (await keys.isServerSecretInDatabase()) {
        app.log.warn(
          'SERVER_SECRET is set and is the generated secret still kept in the database: a copy of the database still ' +
            'holds it. Run `npm run --silent admin -- server-secret --forget` (docs/keys.md)'
        )
      }
      loaded = {
        sodium,
        teamKey,
        receiptKey: deriveKey(sodium, master, 'receipt'),
        idempotencyKey: deriveKey(sodium, master, 'idempotencyKey'),
        idempotencySealKey: deriveKey(sodium, master, 'idempotencySeal'),
        totpKey: deriveKey(sodium, master, 'totp'),
        loginThrottleKey: deriveKey(sodium, master, 'loginThrottle'),
        reporterKey: deriveKey(sodium, master, 'reporter'),
        apiKeyPepper: deriveKey(sodium, master, 'apiKey')
      }
    }

    // A server secret unlike the one the stored keys were made with is no passing state: retrying cannot mend it,
    // and serving would answer every sign-in and receipt with a failure. The message says what to do.
    const refuse = (error: ServerSecretMismatchError) => {
      app.log.error({ event: 'server-secret-mismatch' }, error.message)
      return error
    }
    let retry: NodeJS.Timeout | undefined
    let waitingForInit = false
    try {
      await load()
    } catch (error) {
      if (error instanceof ServerSecretMismatchError) {
        throw refuse(error)
      }
      if (error instanceof NoTeamKeyError) {
        waitingForInit = true
        app.log.warn(error.message)
      } else {
        app.log.warn({ err: error }, 'keys not loaded yet (is the database migrated and reachable?); retrying')
      }
      retry = setInterval(() => {
        load().then(
          () => clearInterval(retry),
          (later: unknown) => {
            waitingForInit = later instanceof NoTeamKeyError
            // Found only once the database answered: stay not ready (readiness says the keys are not loaded).
            if (later instanceof ServerSecretMismatchError) {
              clearInterval(retry)
              refuse(later)
            }
          }
        )
      }, RETRY_MS).unref()
    }

    // After `admin rotate-team-key`, new reports must be sealed to the new version: every instance looks for a
    // newer team key once a minute (R16: "used for all new reports within one deploy" — here, within a minute).
    const refreshTeamKey = async () => {
      const latest = loaded && (await keys.findTeamPublicKey())
      if (loaded && latest && latest.version !== loaded.teamKey.version) {
        loaded = { ...loaded, teamKey: latest }
        app.log.warn({ keyVersion: latest.version }, 'team key rotated: sealing to the new version from now on')
      }
    }
    const refresh = setInterval(() => {
      refreshTeamKey().catch((error: unknown) => app.log.warn({ err: error }, 'team key refresh failed'))
    }, 60_000).unref()
    app.addHook('onClose', async () => {
      clearInterval(retry)
      clearInterval(refresh)
    })

    app.decorate('keys', {
      refreshTeamKey,
      isReady: () => loaded !== undefined,
      notReadyReason: () => (loaded === undefined && waitingForInit ? NO_TEAM_KEY_MESSAGE : undefined),
      get: () => {
        if (!loaded) {
          throw new AppError('SERVICE_UNAVAILABLE', 'The service is starting. Please try again shortly.', {
            headers: { 'Retry-After': '5' }
          })
        }
        return loaded
      }
    })
  },
  { name: 'crypto', fastify: '5.x', dependencies: ['database'] }
)
