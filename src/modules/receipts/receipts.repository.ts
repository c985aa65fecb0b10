import type { PrismaClient } from '../../generated/prisma/client.js'

export const createReceiptsRepository = (prisma: PrismaClient) => ({
  findStatus: async (receiptHash: Uint8Array) =>
    (
      await prisma.report.findUnique({
        where: { receiptHash: receiptHash as Uint8Array<ArrayBuffer> },
        select: { status: true }
      })
    )?.status ?? null
})

export type ReceiptsRepository = ReturnType<typeof createReceiptsRepository>
