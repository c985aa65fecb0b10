import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { ALERT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../../src/lib/webhook-signature.js'

export type CaughtMail = { to: string[]; raw: string }

/** A real SMTP server on a free port, keeping every message it accepts. */
export const startSmtp = async () => {
  const messages: CaughtMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData (stream, session, callback) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8')
      })
      stream.on('end', () => {
        messages.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw })
        callback()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    messages,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

export type Receiver = {
  url: string
  /** Deliveries that carried a valid signature, in arrival order. */
  received: { alertId: string; body: Record<string, unknown> }[]
  /** Requests refused for a bad or missing signature. */
  badSignatures: number
  /** Answer 503 to everything while true (the receiver is "down"). */
  down: boolean
  /** Every request seen, valid or not, up or down. */
  attempts: number
  secret: Uint8Array | undefined
  /** Called for each validly signed request before it is answered; may hold the answer back. */
  onDelivery?: () => Promise<void>
  server: Server
  close(): Promise<void>
}

/** An HTTP webhook receiver that checks the Candid signature with the secret it is given. */
export const startReceiver = async (): Promise<Receiver> => {
  const initial = { received: [], badSignatures: 0, down: false, attempts: 0, secret: undefined }
  const receiver = initial as unknown as Receiver
  receiver.server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8')
    })
    request.on('end', async () => {
      receiver.attempts++
      if (receiver.down) {
        response.writeHead(503).end()
        return
      }
      const timestamp = String(request.headers[TIMESTAMP_HEADER] ?? '')
      const signature = String(request.headers[SIGNATURE_HEADER] ?? '')
      if (!receiver.secret || !verifyWebhook(receiver.secret, { timestamp, body, signature })) {
        receiver.badSignatures++
        response.writeHead(401).end()
        return
      }
      await receiver.onDelivery?.()
      receiver.received.push({ alertId: String(request.headers[ALERT_ID_HEADER]), body: JSON.parse(body) })
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks/candid`
  receiver.close = () =>
    new Promise<void>((resolve) => {
      receiver.server.closeAllConnections()
      receiver.server.close(() => resolve())
    })
  return receiver
}

export const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition') => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
