/**
 * Protection of a whole publication (index.ts describes the method): blocks of cuts that share their totals, and
 * links between tables, protected together so that the audit (audit.ts) sees everything an attacker would.
 */
import { narrowEntryCheck } from './audit.js'
import { type Grid, type Mask, type Position, at, augment, item, lastColumn, primaryMask, publish, set, settle } from './grid.js'
import {
  type CountTable,
  type DisclosureOptions,
  type Link,
  type Place,
  type Publication,
  type PublishedTable,
  TOTAL,
  isCount,
  resolveOptions
} from './published.js'

export const validate = (table: CountTable): void => {
  const { rowLabels, columnLabels, counts } = table
  if (rowLabels.length === 0 || columnLabels.length === 0 || counts.length !== rowLabels.length) {
    throw new RangeError('a table needs at least one row and one column, and one row of counts per row label')
  }
  for (const row of counts) {
    if (row.length !== columnLabels.length || !row.every(isCount)) {
      throw new RangeError('each row needs one non-negative integer count per column label')
    }
  }
}

/** An entry of one cut's grid. */
type CutPosition = { cut: number; position: Position }

/** The publication's tables as grids (in cut order), the cuts of each block, and each cut's block. */
type Layout = { grids: Grid[]; cutsOf: number[][]; blockOf: number[] }

const keyOf = ({ cut, position: [i, j] }: CutPosition): string => `${cut}:${i}:${j}`

const inRange = (index: number, size: number): boolean => Number.isSafeInteger(index) && index >= 0 && index < size

/** The grid entries of a place, in every cut that shows it (a row total or the grand total: every cut of its block). */
const entriesOf = (place: Place, { grids, cutsOf, blockOf }: Layout): CutPosition[] => {
  const grid = grids[place.cut]
  const rows = (grid?.length ?? 1) - 1
  const columns = grid === undefined ? 0 : lastColumn(grid)
  const { column } = place
  if (grid === undefined || !(place.row === TOTAL || inRange(place.row, rows)) ||
    !(column === TOTAL || inRange(column, columns))) {
    throw new RangeError(`the publication has no entry at ${JSON.stringify(place)}`)
  }
  const row = place.row === TOTAL ? rows : place.row
  if (column !== TOTAL) return [{ cut: place.cut, position: [row, column] }]
  return item(cutsOf, item(blockOf, place.cut)).map((cut) => ({ cut, position: [row, lastColumn(item(grids, cut))] }))
}

/** For each entry named by a link, every entry of the links naming it (itself included). */
const linkIndex = (links: readonly Link[], layout: Layout): Map<string, CutPosition[]> => {
  const index = new Map<string, CutPosition[]>()
  for (const { whole, parts } of links) {
    const entries = [whole, ...parts].flatMap((place) => entriesOf(place, layout))
    for (const entry of entries) index.set(keyOf(entry), [...(index.get(keyOf(entry)) ?? []), ...entries])
  }
  return index
}

/** Links are facts the attacker knows (`Link`): they must at least hold for the counts being published. */
const checkLinks = (links: readonly Link[], layout: Layout): void => {
  const truth = (place: Place): number => {
    const { cut, position } = item(entriesOf(place, layout), 0)
    return at(item(layout.grids, cut), position)
  }
  for (const link of links) {
    if (truth(link.whole) > link.parts.reduce((sum, place) => sum + truth(place), 0)) {
      throw new RangeError(`a link does not hold for these counts: ${JSON.stringify(link)}`)
    }
  }
}

/**
 * Every entry on a line through `entry`, in its own cut and, for a shared total, in every other cut of its block
 * too; and every entry of a link naming it.
 */
const neighbours = (entry: CutPosition, layout: Layout, linked: ReadonlyMap<string, CutPosition[]>) => {
  const { grids, cutsOf, blockOf } = layout
  const { cut, position: [i, j] } = entry
  const shared = j === lastColumn(item(grids, cut))
  const copies = shared ? item(cutsOf, item(blockOf, cut)) : [cut]
  const lines = copies.flatMap((k) => {
    const grid = item(grids, k)
    const column = shared ? lastColumn(grid) : j
    return [
      ...item(grid, i).map((_, jj): CutPosition => ({ cut: k, position: [i, jj] })),
      ...grid.map((_, ii): CutPosition => ({ cut: k, position: [ii, column] }))
    ]
  })
  return [...lines, ...(linked.get(keyOf(entry)) ?? [])]
}

/**
 * What to hide to widen a narrow place: the smallest non-zero published entry on a line or link through it (ties:
 * first cut, row, column); if every entry there is hidden or 0, the smallest on a line or link through one of
 * those, and so on outwards. Only non-zero entries, so no true 0 is ever hidden (see `nextToHide`, grid.ts).
 *
 * There is always one. Suppose every non-zero entry this reaches were hidden. The place is hidden, so non-zero: some
 * report counts in it. Add k copies of that report: every entry it counts in grows by k, and those are non-zero,
 * so hidden, and (as lines and links join them to the place) reached; entries not reached stay as they are. Every
 * line still adds up, and every link still holds, since a link holds for any set of reports (`Link`), so for the
 * copies too, and for the true counts. So the place could be any value above its own, and was not narrow.
 */
const widening = (
  place: Place,
  layout: Layout,
  masks: readonly Mask[],
  linked: ReadonlyMap<string, CutPosition[]>
): CutPosition => {
  const value = ({ cut, position }: CutPosition): number => at(item(layout.grids, cut), position)
  const reached = new Set<string>()
  let ring = entriesOf(place, layout)
  while (ring.length > 0) {
    const next = ring.flatMap((entry) => neighbours(entry, layout, linked))
    const fresh = new Map(next.map((entry) => [keyOf(entry), entry]))
    for (const seen of reached) fresh.delete(seen)
    for (const entry of fresh.keys()) reached.add(entry)
    ring = [...fresh.values()]
    const candidates = ring.filter((entry) => !at(item(masks, entry.cut), entry.position) && value(entry) > 0)
    const [choice] = candidates.sort((a, b) =>
      value(a) - value(b) || a.cut - b.cut || a.position[0] - b.position[0] || a.position[1] - b.position[1])
    if (choice !== undefined) return choice
  }
  throw new Error('a narrow interval with every non-zero entry hidden')
}

/** The grids of a publication's tables, checking that the cuts of each block share row labels and row totals. */
const layoutOf = (blocks: readonly (readonly CountTable[])[]): Layout => {
  const grids: Grid[] = []
  const cutsOf = blocks.map((block) => {
    const first = block[0]
    if (first === undefined) throw new RangeError('a block of a publication needs at least one table')
    const margin = (grid: Grid): number[] => grid.map((row) => row[row.length - 1] ?? 0)
    const firstMargin = margin(augment(first.counts, first.columnLabels.length))
    return block.map((cut) => {
      validate(cut)
      const grid = augment(cut.counts, cut.columnLabels.length)
      const sameLabels = cut.rowLabels.every((label, i) => label === first.rowLabels[i])
      const sameTotals = margin(grid).every((total, i) => total === firstMargin[i])
      if (cut.rowLabels.length !== first.rowLabels.length || !sameLabels || !sameTotals) {
        throw new RangeError('cuts published together must share row labels and row totals')
      }
      grids.push(grid)
      return grids.length - 1
    })
  })
  return { grids, cutsOf, blockOf: cutsOf.flatMap((cuts, b) => cuts.map(() => b)) }
}

/**
 * Protects a publication: each block as protectCuts does, then, while the audit of everything together (links
 * included) finds a suppressed value narrower than `threshold`, one more entry hidden near it. Returns the
 * published tables block by block. Each table meets every `protectTable` guarantee on its own, each block every
 * `protectCuts` guarantee, and from everything published and the links, each suppressed entry could be anything
 * in an interval at least `threshold` wide (`suppressedIntervals` with the same blocks and links). Pure and
 * deterministic (ties are broken by position).
 *
 * Throws if the cuts of a block do not share row labels and row totals, or if a link names an entry the
 * publication does not have or does not hold for the counts.
 */
export const protectPublication = (
  publication: Publication<CountTable>,
  options: DisclosureOptions = {}
): PublishedTable[][] => {
  const { threshold, base } = resolveOptions(options)
  const layout = layoutOf(publication.blocks)
  const { grids, cutsOf, blockOf } = layout
  const links = publication.links ?? []
  checkLinks(links, layout)
  const linked = linkIndex(links, layout)
  const tables = publication.blocks.flat()
  const masks = grids.map((grid) => primaryMask(grid, threshold))
  const settleBlock = (cuts: readonly number[]): void => {
    const settled = settle(cuts.map((k) => item(grids, k)), cuts.map((k) => item(masks, k)), threshold)
    cuts.forEach((k, a) => { masks[k] = item(settled, a) })
  }
  cutsOf.forEach(settleBlock)
  // The per-line rule stops recovery from any one line, but lines together (and other cuts, and links) can still
  // pin a hidden value down, e.g. three hidden cells under a published total of 10 each lie in [1, 10]. So audit the
  // result as an attacker would and, while some hidden value is narrower than `threshold`, hide one more entry near
  // it. Hiding only widens intervals (a published value's bounds become [1, ∞)), and with every non-zero entry
  // hidden no interval is narrow (`widening`), so this ends.
  const findNarrowEntry = narrowEntryCheck(threshold, base)
  for (;;) {
    const published = tables.map((table, k) => publish(table, item(grids, k), item(masks, k), base))
    const blocks = cutsOf.map((cuts) => cuts.map((k) => item(published, k)))
    const narrow = findNarrowEntry({ blocks, links })
    if (narrow === undefined) return blocks
    const { cut, position } = widening(narrow, layout, masks, linked)
    set(item(masks, cut), position)
    settleBlock(item(cutsOf, item(blockOf, cut)))
  }
}
