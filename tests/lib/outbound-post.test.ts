import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BLOCKED_ADDRESS, isPublicAddress, namesPrivateHost, postOutbound } from '../../src/lib/outbound-post.js'
import { createAlertDelivery } from '../../src/modules/alerts/alerts.delivery.js'
import type { AlertsRepository } from '../../src/modules/alerts/alerts.repository.js'
import { createAlertsService } from '../../src/modules/alerts/alerts.service.js'

// Alert webhooks are addresses an admin types; the server must not be made to call its own network (SSRF).

/** A loopback HTTP server counting the connections it is offered, answering each request with `status`. */
const listen = async (status: number, headers: Record<string, string> = {}) => {
  const seen = { connections: 0, requests: 0 }
  const server: Server = createServer((request, response) => {
    seen.requests++
    request.resume()
    response.writeHead(status, headers).end()
  })
  server.on('connection', () => seen.connections++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return { server, seen, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const post = (url: string, allowPrivate: boolean, resolve?: Parameters<typeof postOutbound>[1]['resolve']) =>
  postOutbound(url, { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 5_000, allowPrivate, resolve })

/** A DNS server's answer for any name: what a hostile one would give for a public-looking name (rebinding). */
const answering = (...addresses: string[]): NonNullable<Parameters<typeof post>[2]> => (_name, _options, callback) =>
  callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })))

describe('outbound POSTs to typed addresses', () => {
  let ok: Awaited<ReturnType<typeof listen>>
  let redirecting: Awaited<ReturnType<typeof listen>>
  beforeAll(async () => {
    ok = await listen(204)
    redirecting = await listen(302, { location: `http://127.0.0.1:${ok.port}/elsewhere` })
  })
  afterAll(async () => {
    await ok.close()
    await redirecting.close()
  })

  it('takes only public unicast addresses as public', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '2001:4860:4860::8888', '2a00:1450:4009:81f::200e']) {
      expect(isPublicAddress(address), address).toBe(true)
    }
    const special = [
      '127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.254', '192.168.1.1', '169.254.169.254',
      '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.1', '::1', '::', 'fd00::1', 'fe80::1',
      '::ffff:127.0.0.1', '::ffff:10.0.0.1', '2002:7f00:1::1', 'ff02::1', 'not an address'
    ]
    for (const address of special) expect(isPublicAddress(address), address).toBe(false)
    expect(namesPrivateHost('http://localhost:8080/x')).toBe(true)
    expect(namesPrivateHost('http://api.localhost/x')).toBe(true)
    expect(namesPrivateHost('http://[::1]:9/x')).toBe(true)
    expect(namesPrivateHost('http://[::ffff:a9fe:a9fe]/latest/meta-data')).toBe(true)
    expect(namesPrivateHost('https://hooks.example.org/candid')).toBe(false)
    expect(namesPrivateHost('https://8.8.8.8/candid')).toBe(false)
  })

  it('refuses loopback by literal, by localhost and by a name that resolves to it, without connecting', async () => {
    const literal = await post(`http://127.0.0.1:${ok.port}/hook`, false).catch((error: unknown) => error)
    expect(literal).toMatchObject({ code: BLOCKED_ADDRESS })
    const mapped = await post(`http://[::ffff:127.0.0.1]:${ok.port}/hook`, false).catch((error: unknown) => error)
    expect(mapped).toMatchObject({ code: BLOCKED_ADDRESS })
    const named = await post(`http://localhost:${ok.port}/hook`, false).catch((error: unknown) => error)
    expect(named).toMatchObject({ code: BLOCKED_ADDRESS })
    // A public-looking name that resolves to loopback, alone or beside a public address: refused in the socket's own
    // lookup, so there is no second lookup to answer differently.
    const rebound = await post(`http://hooks.example.org:${ok.port}/hook`, false, answering('127.0.0.1'))
      .catch((error: unknown) => error)
    expect(rebound).toMatchObject({ code: BLOCKED_ADDRESS })
    const mixed = await post(`http://hooks.example.org:${ok.port}/hook`, false, answering('8.8.8.8', '169.254.169.254'))
      .catch((error: unknown) => error)
    expect(mixed).toMatchObject({ code: BLOCKED_ADDRESS })
    expect(ok.seen.connections).toBe(0)
    // The same answer where private addresses are allowed reaches the receiver: the refusal above was the check's.
    expect(await post(`http://hooks.example.org:${ok.port}/hook`, true, answering('127.0.0.1'))).toBe(204)
  })

  it('posts where private addresses are allowed, and answers a redirect with its status instead of following it', async () => {
    const before = ok.seen.requests
    expect(await post(`http://127.0.0.1:${ok.port}/hook`, true)).toBe(204)
    expect(ok.seen.requests).toBe(before + 1)
    expect(await post(`http://127.0.0.1:${redirecting.port}/hook`, true)).toBe(302)
    expect(redirecting.seen.requests).toBe(1)
    expect(ok.seen.requests).toBe(before + 1)
  })

  it('makes the alert outbox record a refused webhook as failed, by code, without connecting', async () => {
    const target = await listen(204)
    const failed: string[] = []
    const lines: string[] = []
    const repository = {
      claimDue: async () => [{ id: 'd1', alertId: 'a1', channel: 'webhook', receiverId: 'w1', attempts: 1 }],
      find: async () => ({
        id: 'a1',
        status: 'approved',
        hazard: 'h',
        themes: ['TC.HO'],
        step: 's',
        regions: ['london'],
        draftedOn: new Date('2026-12-01'),
        approvedOn: new Date('2026-12-02')
      }),
      findWebhook: async () => ({ id: 'w1', url: `http://localhost:${target.port}/hook` }),
      markFailed: async (id: string) => {
        failed.push(id)
      },
      markSent: async () => { throw new Error('must not be sent') },
      dropDelivery: async () => { throw new Error('must not be dropped') }
    } as unknown as AlertsRepository
    const log = pino({ level: 'info' }, {
      write: (line: string) => {
        lines.push(line)
      }
    })
    const delivery = createAlertDelivery({
      repository,
      log,
      smtpUrl: undefined,
      from: 'x',
      leaseSeconds: 60,
      retrySeconds: 30,
      pepper: () => new Uint8Array(32),
      webhookPrivateAddresses: false
    })
    expect(await delivery.run()).toBe(0)
    expect(failed).toEqual(['d1'])
    expect(lines.join('')).toContain(`"reason":"${BLOCKED_ADDRESS}"`)
    expect(lines.join('')).not.toContain(String(target.port))
    expect(target.seen.connections).toBe(0)
    await target.close()
  })

  it('refuses to register a webhook at a private address unless WEBHOOK_PRIVATE_ADDRESSES allows it', async () => {
    const added: string[] = []
    const repository = {
      addWebhook: async (id: string, region: string, url: string) => {
        added.push(url)
        return { id, region, url }
      }
    } as unknown as AlertsRepository
    const deps = { repository, taxonomy: { current: async () => { throw new Error('unused') } }, regions: ['london'], pepper: () => new Uint8Array(32) }
    const strict = createAlertsService(deps)
    for (const url of ['http://127.0.0.1:9000/h', 'http://169.254.169.254/latest', 'https://localhost/h', 'http://[fd00::5]/h']) {
      await expect(strict.addWebhook('london', url)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    }
    expect(added).toEqual([])
    await strict.addWebhook('london', 'https://hooks.example.org/candid')
    const open = createAlertsService({ ...deps, webhookPrivateAddresses: true })
    await open.addWebhook('london', 'http://10.0.0.7/candid')
    expect(added).toEqual(['https://hooks.example.org/candid', 'http://10.0.0.7/candid'])
  })
})
