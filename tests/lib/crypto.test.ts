import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { fromCrockford, toCrockford } from '../../src/lib/crypto/encoding.js'
import {
  encryptWithFreshKey,
  generateTeamKeyPair,
  openNarrative,
  sealBox,
  sealNarrative
} from '../../src/lib/crypto/sealing.js'
import { newReceipt, newRecoveryKey, parseReceipt, parseRecoveryKey } from '../../src/lib/crypto/secrets.js'
import { loadSodium, type Sodium } from '../../src/lib/crypto/sodium.js'

let sodium: Sodium
beforeAll(async () => {
  sodium = await loadSodium()
})

const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('sealed narratives (R14, R15)', () => {
  it('open to exactly what was sealed, for any text (1,000 runs)', () => {
    const keyPair = generateTeamKeyPair(sodium)
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.integer({ min: 1, max: 1000 }), (text, keyVersion) => {
        const reportId = randomUUID()
        const sealed = sealNarrative(sodium, encode(text), { reportId, keyVersion, publicKey: keyPair.publicKey })

        expect(sealed.sealedKey).toHaveLength(80)
        expect(decode(openNarrative(sodium, sealed, { reportId, keyVersion, keyPair }))).toBe(text)
      }),
      { numRuns: 1000 }
    )
  })

  it('refuse to open when the report id, key version, any ciphertext byte or the key pair differ', () => {
    const keyPair = generateTeamKeyPair(sodium)
    const reportId = randomUUID()
    const sealed = sealNarrative(sodium, encode('the letter went to the wrong address'), {
      reportId,
      keyVersion: 1,
      publicKey: keyPair.publicKey
    })
    const open = (changes: Partial<Parameters<typeof openNarrative>[2]>, ciphertext = sealed.ciphertext) =>
      () => openNarrative(sodium, { ...sealed, ciphertext }, { reportId, keyVersion: 1, keyPair, ...changes })

    expect(open({ reportId: randomUUID() })).toThrow()
    expect(open({ keyVersion: 2 })).toThrow()
    expect(open({ keyPair: generateTeamKeyPair(sodium) })).toThrow()
    for (const index of [0, 23, 24, sealed.ciphertext.length - 1]) {
      const flipped = sealed.ciphertext.slice()
      flipped[index] = (flipped[index] as number) ^ 1
      expect(open({}, flipped)).toThrow()
    }
    expect(decode(open({})())).toBe('the letter went to the wrong address')
  })

  it('never repeat a (data key, nonce) pair, nor either half, across 100,000 encryptions', () => {
    const nonces = new Set<string>()
    const dataKeys = new Set<string>()
    for (let i = 0; i < 100_000; i++) {
      const { ciphertext, dataKey } = encryptWithFreshKey(sodium, encode('x'), { reportId: 'r', keyVersion: 1 })
      nonces.add(sodium.to_hex(ciphertext.subarray(0, 24)))
      dataKeys.add(sodium.to_hex(dataKey))
    }
    expect(nonces.size).toBe(100_000)
    expect(dataKeys.size).toBe(100_000)
  })

  it('wipes the data key and the plaintext after each encryption, also when sealing fails (R18)', () => {
    const memzero = vi.spyOn(sodium, 'memzero')
    const { publicKey } = generateTeamKeyPair(sodium)
    const plaintext = encode('sensitive')

    sealNarrative(sodium, plaintext, { reportId: 'r', keyVersion: 1, publicKey })
    // The data key, the plaintext, and the sealed box's ephemeral secret.
    expect(memzero).toHaveBeenCalledTimes(3)
    expect(plaintext.every((byte) => byte === 0)).toBe(true)

    memzero.mockClear()
    const again = encode('sensitive')
    expect(() => sealNarrative(sodium, again, { reportId: 'r', keyVersion: 1, publicKey: new Uint8Array(3) })).toThrow()
    expect(memzero).toHaveBeenCalledTimes(3)
    expect(memzero.mock.calls.map(([buffer]) => buffer.length).sort((a, b) => a - b)).toEqual([9, 32, 32])
    expect(again.every((byte) => byte === 0)).toBe(true)
    memzero.mockRestore()
  })
})

describe('sealed boxes', () => {
  it('are crypto_box_seal boxes: crypto_box_seal_open opens them, and only with the right key pair', () => {
    const keyPair = sodium.crypto_box_keypair()
    const other = sodium.crypto_box_keypair()
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        const sealed = sealBox(sodium, message, keyPair.publicKey)
        expect(sealed.length).toBe(message.length + sodium.crypto_box_SEALBYTES)
        expect(sodium.crypto_box_seal_open(sealed, keyPair.publicKey, keyPair.privateKey)).toEqual(message)
        expect(() => sodium.crypto_box_seal_open(sealed, other.publicKey, other.privateKey)).toThrow()
        const tampered = Uint8Array.from(sealed)
        tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1
        expect(() => sodium.crypto_box_seal_open(tampered, keyPair.publicKey, keyPair.privateKey)).toThrow()
      }),
      { numRuns: 1000 }
    )
  })

  it('use a fresh ephemeral key every time, drawn from Node\'s CSPRNG in one call, not libsodium\'s', () => {
    const keyPair = sodium.crypto_box_keypair()
    const getRandomValues = vi.spyOn(globalThis.crypto, 'getRandomValues')
    const boxes = Array.from({ length: 1000 }, () => sealBox(sodium, new Uint8Array(32), keyPair.publicKey))
    expect(getRandomValues).not.toHaveBeenCalled()
    getRandomValues.mockRestore()
    expect(new Set(boxes.map((box) => sodium.to_hex(box.subarray(0, 32)))).size).toBe(1000)
  })
})

describe('receipts and recovery keys', () => {
  it('receipts carry 80 random bits as four groups of four, and read back however they are typed', () => {
    const receipt = newReceipt()

    expect(receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}$/)
    expect(parseReceipt(receipt)).toHaveLength(10)
    expect(parseReceipt(receipt.toLowerCase().replace(/-/g, ''))).toEqual(parseReceipt(receipt))
    expect(parseReceipt(receipt.replace(/1/g, 'l').replace(/0/g, 'o'))).toEqual(parseReceipt(receipt))
    expect(parseReceipt('not a receipt')).toBeNull()
    expect(new Set(Array.from({ length: 1000 }, () => newReceipt())).size).toBe(1000)
  })

  it('recovery keys carry 256 bits and round-trip', () => {
    const { display, bytes } = newRecoveryKey()

    expect(bytes).toHaveLength(32)
    expect(parseRecoveryKey(display)).toEqual(bytes)
    expect(parseRecoveryKey(display.toLowerCase())).toEqual(bytes)
  })

  it('Crockford base32 round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        expect(fromCrockford(toCrockford(bytes), bytes.length)).toEqual(bytes)
      }),
      { numRuns: 1000 }
    )
  })
})
