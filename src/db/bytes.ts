/**
 * libsodium's buffers are typed on ArrayBufferLike, Prisma's Bytes on ArrayBuffer; at run time they are plain
 * ArrayBuffer-backed Uint8Arrays, so this only tells the type checker so.
 */
export const bytes = (value: Uint8Array) => value as Uint8Array<ArrayBuffer>
