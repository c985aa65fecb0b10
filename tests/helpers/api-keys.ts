import type { FastifyInstance } from 'fastify'
import { createApiKeysRepository } from '../../src/modules/api-keys/api-keys.repository.js'
import { createApiKeysService } from '../../src/modules/api-keys/api-keys.service.js'

/** A regional API key for `region`, made as `admin create-api-key` makes one (with this app's pepper). */
export const createApiKey = async (app: FastifyInstance, region: string, label = '') => {
  const service = createApiKeysService({ repository: createApiKeysRepository(app.db.prisma), regions: [region] })
  return (await service.create([region], label, { pepper: app.keys.get().apiKeyPepper })).key
}
