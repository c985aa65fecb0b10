import type { PrismaClient } from '../../generated/prisma/client.js'

export const createTaxonomyRepository = (prisma: PrismaClient) => ({
  latestVersion: async () =>
    (await prisma.taxonomyVersion.findFirst({ orderBy: { version: 'desc' }, select: { version: true } }))?.version ??
    null,

  find: (version: number) =>
    prisma.taxonomyVersion.findUnique({
      where: { version },
      select: { version: true, name: true, title: true, document: true, publishedOn: true }
    }),

  codes: (version: number) =>
    prisma.taxonomyCode.findMany({
      where: { version },
      select: { code: true, level: true, parentCode: true, label: true },
      orderBy: { code: 'asc' }
    }),

  /** Mappings from older versions into `toVersion`. */
  mappingsInto: (toVersion: number) =>
    prisma.taxonomyMapping.findMany({
      where: { toVersion },
      orderBy: [{ fromVersion: 'asc' }, { fromCode: 'asc' }, { toCode: 'asc' }],
      select: { fromVersion: true, fromCode: true, toCode: true }
    })
})

export type TaxonomyRepository = ReturnType<typeof createTaxonomyRepository>
