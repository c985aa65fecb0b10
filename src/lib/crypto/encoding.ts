/**
 * Crockford's base32 (no I, L, O or U; case-insensitive; I/L read as 1 and O as 0), for secrets people copy by
 * hand: receipts and the recovery key. Five bits per character.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export const toCrockford = (bytes: Uint8Array): string => {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) {
    out += ALPHABET[(value << (5 - bits)) & 31]
  }
  return out
}

/** Decodes `text` (any case, hyphens and spaces ignored) to `length` bytes, or null if it is not such a code. */
export const fromCrockford = (text: string, length: number): Uint8Array | null => {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0')
  if (clean.length !== Math.ceil((length * 8) / 5)) {
    return null
  }
  const out = new Uint8Array(length)
  let bits = 0
  let value = 0
  let index = 0
  for (const char of clean) {
    const digit = ALPHABET.indexOf(char)
    if (digit === -1) {
      return null
    }
    value = ((value << 5) | digit) & 0xffff
    bits += 5
    if (bits >= 8) {
      if (index < length) {
        out[index++] = (value >>> (bits - 8)) & 0xff
      }
      bits -= 8
    }
  }
  return out
}

/** "ABCDEFGHJKMNPQRS" → "ABCD-EFGH-JKMN-PQRS". */
export const groupsOfFour = (code: string): string => code.match(/.{1,4}/g)?.join('-') ?? code
