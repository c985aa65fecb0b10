import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'

/**
 * POSTs to an address an admin typed (alert webhooks), refusing to connect to the service's own network unless
 * told to: loopback, private, carrier-grade NAT, link-local (where clouds serve instance credentials at
 * 169.254.169.254), unique-local, multicast and reserved addresses, and IPv6 forms that carry an IPv4 address.
 * Without this, whoever holds an admin account could make the server probe or call what only it can reach, and
 * read the answers from the delivery log's status codes (server-side request forgery). The check is made on the
 * addresses the connection actually uses — in the socket's own DNS lookup, not a lookup beforehand that a second
 * answer could change (DNS rebinding) — and on address literals, which the socket never looks up.
 */

export const BLOCKED_ADDRESS = 'EBLOCKEDADDRESS'

/** Whether an address is public unicast (ipaddr.js names every special range; IPv4-mapped IPv6 counts as IPv4). */
export const isPublicAddress = (address: string): boolean =>
  ipaddr.isValid(address) && ipaddr.process(address).range() === 'unicast'

/**
 * Whether a URL names a non-public host outright (an address literal, or localhost), so that registering it can be
 * refused with a clear message; names that resolve to private addresses are refused when delivered (below).
 */
export const namesPrivateHost = (url: string): boolean => {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  return isIP(host) !== 0 && !isPublicAddress(host)
}

const blocked = () => Object.assign(new Error('address not allowed for outbound requests'), { code: BLOCKED_ADDRESS })

type Resolve = (hostname: string, options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void

/**
 * The socket's lookup: unless private addresses are allowed, it fails when any address the name resolves to is not
 * public, so no connection is attempted.
 */
const checkedLookup = (resolve: Resolve, allowPrivate: boolean): LookupFunction => (hostname, options: LookupOptions,
  callback) => {
  resolve(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0)
    if (addresses.length === 0 || (!allowPrivate && addresses.some((entry) => !isPublicAddress(entry.address)))) {
      return callback(blocked(), '', 0)
    }
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses)
    const [first] = addresses as [LookupAddress]
    callback(null, first.address, first.family)
  })
}

export type PostOptions = {
  headers: Record<string, string>
  body: string
  timeoutMs: number
  /** Allow loopback and private addresses (a receiver inside the deployment's own network; tests). */
  allowPrivate: boolean
  /** The resolver (dns.lookup): tests give one that answers as a hostile DNS server would. */
  resolve?: Resolve
}

/**
 * Sends the body and resolves with the response's status (redirects are not followed: a 3xx is an answer, so a
 * public address cannot hand the request on to a private one). Rejects with the socket's error, with
 * code EBLOCKEDADDRESS for a refused address, or with an AbortError after `timeoutMs`.
 */
export const postOutbound = (url: string, options: PostOptions): Promise<number> =>
  new Promise((resolve, reject) => {
    const { headers, body, timeoutMs, allowPrivate, resolve: lookup = dnsLookup as Resolve } = options
    const target = new URL(url)
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new Error(`unsupported protocol ${target.protocol}`))
      return
    }
    if (!allowPrivate && namesPrivateHost(url)) {
      reject(blocked())
      return
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      signal: AbortSignal.timeout(timeoutMs),
      lookup: checkedLookup(lookup, allowPrivate)
    }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    request.on('error', reject)
    request.end(body)
  })
