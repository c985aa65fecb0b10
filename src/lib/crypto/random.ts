import { randomFillSync } from 'node:crypto'

/**
 * Random bytes from Node's CSPRNG (OpenSSL, seeded by the kernel). libsodium-wrappers' randombytes_buf reaches
 * the same kind of source but costs ~130 µs a call from WASM; this costs ~1 µs, and every report needs several.
 */
export const randomBytes = (length: number): Uint8Array => randomFillSync(new Uint8Array(length))
