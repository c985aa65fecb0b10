import { bytes } from '../../db/bytes.js'
import type { PrismaClient } from '../../generated/prisma/client.js'

export type NewApiKey = {
  id: string
  prefix: string
  keyHash: Uint8Array
  label: string
  regions: string[]
  createdOn: Date
  expiresOn: Date
}

/** What a listing may show: never the hash. */
const LISTED = {
  prefix: true,
  label: true,
  regions: true,
  createdOn: true,
  expiresOn: true,
  revokedOn: true
} as const

export const createApiKeysRepository = (prisma: PrismaClient) => ({
  create: (key: NewApiKey) =>
    prisma.apiKey.create({ data: { ...key, keyHash: bytes(key.keyHash) }, select: { id: true } }),

  list: () => prisma.apiKey.findMany({ select: LISTED, orderBy: [{ createdOn: 'asc' }, { prefix: 'asc' }] }),

  findByHash: (keyHash: Uint8Array) =>
    prisma.apiKey.findUnique({
      where: { keyHash: bytes(keyHash) },
      select: { id: true, prefix: true, regions: true, expiresOn: true, revokedOn: true }
    }),

  findByPrefix: (prefix: string) => prisma.apiKey.findUnique({ where: { prefix }, select: LISTED }),

  /** Revokes the key unless it already is (its first revocation date stands); returns how many rows changed. */
  revoke: async (prefix: string, on: Date): Promise<number> =>
    (await prisma.apiKey.updateMany({ where: { prefix, revokedOn: null }, data: { revokedOn: on } })).count
})

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>
