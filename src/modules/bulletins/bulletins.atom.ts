/**
 * The Atom feed (RFC 4287) of approved bulletins, written directly: the feed packages on npm want absolute links,
 * and Candid knows no public address of its own (links here are relative references, which RFC 4287 allows and
 * readers resolve against the feed's address). Ids are urn:uuid: (the bulletin's own id, so an entry keeps its id
 * for ever); updated is the approval date at midnight UTC: dates only, as everywhere in Candid.
 */

const esc = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char] ?? char)

export type FeedEntry = { id: string; title: string; summary: string; approvedOn: string; html: string; pdf: string }

const instant = (day: string) => `${day}T00:00:00Z`

export const atomFeed = (feedId: string, entries: readonly FeedEntry[]): string => {
  // An empty feed still needs an updated date: the epoch, the same on every pull, until the first bulletin.
  const updated = entries.reduce((latest, entry) => (entry.approvedOn > latest ? entry.approvedOn : latest), '1970-01-01')
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">',
    `  <id>${esc(feedId)}</id>`,
    '  <title>Candid learning bulletins</title>',
    '  <subtitle>Quarterly learning bulletins from near-miss reports: themes, learning points, alerts and actions.</subtitle>',
    `  <updated>${instant(updated)}</updated>`,
    '  <author><name>Candid</name></author>',
    '  <link rel="self" type="application/atom+xml" href="/bulletins/feed.atom"/>',
    ...entries.flatMap((entry) => [
      '  <entry>',
      `    <id>${esc(entry.id)}</id>`,
      `    <title>${esc(entry.title)}</title>`,
      `    <updated>${instant(entry.approvedOn)}</updated>`,
      `    <published>${instant(entry.approvedOn)}</published>`,
      `    <link rel="alternate" type="text/html" href="${esc(entry.html)}"/>`,
      `    <link rel="alternate" type="application/pdf" href="${esc(entry.pdf)}"/>`,
      `    <summary>${esc(entry.summary)}</summary>`,
      '  </entry>'
    ]),
    '</feed>',
    ''
  ]
  return lines.join('\n')
}
