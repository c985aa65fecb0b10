import PDFDocument from 'pdfkit'
import { type ChartInput, CHART, layoutChart } from '../../lib/charts/bar-chart.js'
import { risingChart, themesChart } from './bulletins.charts.js'
import { longDate } from './bulletins.html.js'
import type { TBulletin } from './bulletins.schemas.js'

/**
 * The bulletin as PDF, with PDFKit (its built-in Helvetica, so no font file is read) and the same chart layout as the
 * HTML page drawn with PDFKit's own rectangles. Its dates are the approval date (no clock), so the same bulletin
 * makes the same bytes; the bytes are stored when it is approved anyway and served as stored.
 */

const MARGIN = 50
const WIDTH = 595.28 - 2 * MARGIN
const INK = '#0b0c0c'

type Doc = InstanceType<typeof PDFDocument>

const heading = (doc: Doc, text: string) => {
  if (doc.y > doc.page.height - MARGIN - 80) doc.addPage()
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(14).fillColor(INK).text(text, MARGIN, doc.y, { width: WIDTH })
  doc.moveDown(0.3).font('Helvetica').fontSize(10.5)
}

const para = (doc: Doc, text: string, options: { bold?: boolean; indent?: number } = {}) => {
  doc.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10.5).fillColor(INK)
  doc.text(text, MARGIN + (options.indent ?? 0), doc.y, { width: WIDTH - (options.indent ?? 0) })
  doc.moveDown(0.3)
}

/** Draws the chart at the current position, scaled to the text width (the layout is in SVG units). */
const chart = (doc: Doc, input: ChartInput) => {
  const layout = layoutChart(input)
  const scale = WIDTH / layout.width
  if (doc.y + layout.height * scale > doc.page.height - MARGIN) doc.addPage()
  const top = doc.y
  // SVG text sits on its baseline; PDFKit places the top of the line: lift by the font's ascent.
  const lift = CHART.fontSize * 0.8
  doc.save().translate(MARGIN, top).scale(scale)
  doc.font('Helvetica-Bold').fontSize(CHART.fontSize).fillColor(INK).text(layout.title, 0, 4, { lineBreak: false })
  doc.font('Helvetica').fontSize(CHART.fontSize)
  for (const entry of layout.legend) {
    const { x, y, width, height } = entry.swatch
    doc.rect(x, y, width, height).fill(entry.colour)
    doc.fillColor(INK).text(entry.name, entry.textX, entry.textY - lift, { lineBreak: false })
  }
  for (const row of layout.rows) {
    doc.fillColor(INK).text(row.label, 0, row.labelY - lift, { width: CHART.labelWidth - 8, align: 'right', lineBreak: false })
    for (const bar of row.bars) {
      if (bar.box.width > 0) doc.rect(bar.box.x, bar.box.y, bar.box.width, bar.box.height).fill(bar.colour)
      doc.fillColor(INK).text(bar.text, bar.textX, bar.textY - lift, { lineBreak: false })
    }
  }
  doc.restore()
  doc.x = MARGIN
  doc.y = top + layout.height * scale + 6
}

export const bulletinPdf = (bulletin: TBulletin): Promise<Uint8Array<ArrayBuffer>> => {
  const approved = new Date(`${bulletin.approvedOn}T00:00:00Z`)
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: bulletin.title, Author: 'Candid', CreationDate: approved, ModDate: approved },
    lang: 'en-GB',
    displayTitle: true
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Uint8Array<ArrayBuffer>>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))))
    doc.on('error', reject)
  })

  doc.font('Helvetica-Bold').fontSize(20).fillColor(INK).text(bulletin.title, { width: WIDTH })
  doc.moveDown(0.3)
  para(doc, `Approved ${longDate(bulletin.approvedOn)}. Online: ${bulletin.links.html}`)
  for (const part of bulletin.introduction.split(/\n\s*\n/).filter((text) => text.trim())) para(doc, part.trim())

  heading(doc, 'Headline figures')
  if (bulletin.headline.status === 'withheld') {
    para(doc, `Fewer than ${bulletin.disclosure.suppressedBelow} reports: no figures are published for this quarter.`)
  } else {
    para(doc, `Reports about the quarter: ${bulletin.headline.reportsOnTime}`)
    para(doc, `Late reports about earlier quarters: ${bulletin.headline.reportsLate}`)
  }

  heading(doc, 'Themes this quarter')
  if (bulletin.themes.length === 0) para(doc, 'No theme has a published count this quarter.')
  else chart(doc, themesChart(bulletin))

  heading(doc, 'Rising themes')
  if (bulletin.rising.themes.length > 0) chart(doc, risingChart(bulletin))
  else if (bulletin.rising.previousQuarter) para(doc, `No theme's published count rose from ${bulletin.rising.previousQuarter}.`)
  else para(doc, 'There is no earlier published quarter to compare with.')

  heading(doc, 'Learning points')
  if (bulletin.learningPoints.length === 0) para(doc, 'No learning point was published this quarter.')
  bulletin.learningPoints.forEach((point, i) => {
    para(doc, `${i + 1}. ${point.text}`, { bold: true })
    if (point.commentary) para(doc, `Reviewers' commentary: ${point.commentary}`, { indent: 14 })
  })

  heading(doc, 'Hazard alerts issued')
  if (bulletin.alerts.length === 0) para(doc, 'No hazard alert was issued this quarter.')
  for (const alert of bulletin.alerts) {
    para(doc, alert.hazard, { bold: true })
    para(doc, `Recommended step: ${alert.step}`, { indent: 14 })
    para(doc, `Issued ${longDate(alert.issuedOn)}; themes ${alert.themes.join(', ')}`, { indent: 14 })
  }

  heading(doc, 'Actions completed: you said, we did')
  if (bulletin.actions.length === 0) para(doc, 'No action was completed this quarter.')
  for (const action of bulletin.actions) {
    para(doc, `${action.description} (${action.owner})`, { bold: true })
    para(doc, `What changed: ${action.outcome}`, { indent: 14 })
    para(doc, `Completed ${longDate(action.completedOn)}; themes ${action.themes.join(', ')}`, { indent: 14 })
  }

  heading(doc, 'About these figures')
  para(doc, bulletin.disclosure.note)
  doc.end()
  return done
}
