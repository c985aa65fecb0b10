import { createHash, createHmac } from 'node:crypto'
import { randomBytes } from '../crypto/random.js'

/**
 * Session tokens: 256 random bits (R23), sent only in the cookie, stored only as SHA-256. From the token the server
 * derives the CSRF token the client must echo in a header, and the key that seals this session's copy of the team
 * secret key — neither is stored.
 */

export const newSessionToken = (): string => Buffer.from(randomBytes(32)).toString('base64url')

export const hashSessionToken = (token: string): Uint8Array => new Uint8Array(createHash('sha256').update(token).digest())

const derive = (token: string, purpose: string) => createHmac('sha256', token).update(`candid:${purpose}`).digest()

export const csrfTokenFor = (token: string): string => derive(token, 'csrf').toString('base64url')

export const sessionKeyFor = (token: string): Uint8Array => new Uint8Array(derive(token, 'session-key'))
