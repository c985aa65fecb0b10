import { chartSvg, layoutChart } from '../../lib/charts/bar-chart.js'
import { type TBulletin } from './bulletins.schemas.js'
import { risingChart, themesChart } from './bulletins.charts.js'

/**
 * The public HTML page of an approved bulletin: one stylesheet from this origin, no script, charts as inline SVG
 * (presentation attributes, not style attributes), so it passes the strict CSP every response carries.
 */

const esc = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

const LONG_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
export const longDate = (day: string) => LONG_DATE.format(new Date(`${day}T00:00:00Z`))

const paragraphs = (text: string) =>
  text.split(/\n\s*\n/).map((part) => part.trim()).filter(Boolean).map((part) => `<p>${esc(part)}</p>`).join('')

const section = (id: string, heading: string, body: string) =>
  `<section aria-labelledby="${id}"><h2 id="${id}">${esc(heading)}</h2>${body}</section>`

const table = (caption: string, head: readonly string[], rows: readonly (readonly (string | number)[])[]) =>
  `<table><caption>${esc(caption)}</caption><thead><tr>${head.map((cell) => `<th scope="col">${esc(cell)}</th>`).join('')}` +
  `</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((cell, i) =>
    i === 0 ? `<th scope="row">${esc(String(cell))}</th>` : `<td>${esc(String(cell))}</td>`).join('')}</tr>`).join('')}` +
  '</tbody></table>'

export const bulletinHtml = (bulletin: TBulletin): string => {
  const { headline } = bulletin
  const figures = headline.status === 'withheld'
    ? `<p>Fewer than ${bulletin.disclosure.suppressedBelow} reports: no figures are published for this quarter.</p>`
    : `<dl class="figures"><div><dt>Reports about the quarter</dt><dd>${esc(String(headline.reportsOnTime))}</dd></div>` +
      `<div><dt>Late reports about earlier quarters</dt><dd>${esc(String(headline.reportsLate))}</dd></div></dl>`
  const themes = bulletin.themes.length === 0
    ? '<p>No theme has a published count this quarter.</p>'
    : chartSvg(layoutChart(themesChart(bulletin)), 'themes-chart') +
      table('Themes this quarter', ['Theme', 'Reports'], bulletin.themes.map((theme) => [theme.label, theme.count]))
  const rising = bulletin.rising.themes.length === 0
    ? `<p>${bulletin.rising.previousQuarter
      ? `No theme's published count rose from ${esc(bulletin.rising.previousQuarter)}.`
      : 'There is no earlier published quarter to compare with.'}</p>`
    : chartSvg(layoutChart(risingChart(bulletin)), 'rising-chart') +
      table(
        `Rising themes since ${bulletin.rising.previousQuarter ?? ''}`,
        ['Theme', bulletin.rising.previousQuarter ?? 'Before', bulletin.quarter],
        bulletin.rising.themes.map((theme) => [theme.label, theme.previous, theme.current])
      )
  const points = bulletin.learningPoints.length === 0
    ? '<p>No learning point was published this quarter.</p>'
    : `<ol class="points">${bulletin.learningPoints.map((point) =>
      `<li><blockquote><p>${esc(point.text)}</p></blockquote>${point.commentary
        ? `<div class="commentary"><p class="by">Reviewers' commentary</p>${paragraphs(point.commentary)}</div>`
        : ''}</li>`).join('')}</ol>`
  const alerts = bulletin.alerts.length === 0
    ? '<p>No hazard alert was issued this quarter.</p>'
    : `<ul class="items">${bulletin.alerts.map((alert) =>
      `<li><p><strong>${esc(alert.hazard)}</strong></p><p>Recommended step: ${esc(alert.step)}</p>` +
      `<p class="meta">Issued <time datetime="${alert.issuedOn}">${longDate(alert.issuedOn)}</time>; themes ` +
      `${esc(alert.themes.join(', '))}</p></li>`).join('')}</ul>`
  const actions = bulletin.actions.length === 0
    ? '<p>No action was completed this quarter.</p>'
    : `<ul class="items">${bulletin.actions.map((action) =>
      `<li><p><strong>${esc(action.description)}</strong> (${esc(action.owner)})</p>` +
      `<p>What changed: ${esc(action.outcome)}</p><p class="meta">Completed <time datetime="${action.completedOn}">` +
      `${longDate(action.completedOn)}</time>; themes ${esc(action.themes.join(', '))}</p></li>`).join('')}</ul>`
  return [
    '<!doctype html>',
    '<html lang="en-GB"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(bulletin.title)}</title>`,
    '<link rel="stylesheet" href="/bulletins/bulletin.css">',
    '<link rel="alternate" type="application/atom+xml" title="Candid learning bulletins" href="/bulletins/feed.atom">',
    '</head><body><header class="masthead"><p>Candid: learning from near misses</p></header><main>',
    `<h1>${esc(bulletin.title)}</h1>`,
    `<p class="meta">Approved <time datetime="${bulletin.approvedOn}">${longDate(bulletin.approvedOn)}</time>. ` +
      `<a href="${bulletin.links.pdf}">Download as PDF</a>. <a href="${bulletin.links.atom}">Follow the feed</a>.</p>`,
    paragraphs(bulletin.introduction),
    section('headline', 'Headline figures', figures),
    section('themes', 'Themes this quarter', themes),
    section('rising', 'Rising themes', rising),
    section('points', 'Learning points', points),
    section('alerts', 'Hazard alerts issued', alerts),
    section('actions', 'Actions completed: you said, we did', actions),
    section('about', 'About these figures', `<p>${esc(bulletin.disclosure.note)}</p>`),
    '</main></body></html>',
    ''
  ].join('\n')
}

export const BULLETIN_CSS = `body{margin:0;font-family:Helvetica,Arial,sans-serif;color:#0b0c0c;background:#fff;line-height:1.5}
.masthead{background:#0b0c0c;color:#fff;padding:.5rem 1rem}.masthead p{margin:0;font-weight:bold}
main{max-width:44rem;margin:0 auto;padding:1rem}h1{font-size:1.8rem;line-height:1.2}h2{margin-top:2rem;font-size:1.3rem}
.meta{color:#484949;font-size:.95rem}a{color:#1d5aa0}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
.figures{display:flex;flex-wrap:wrap;gap:1rem}.figures div{border-left:4px solid #1d70b8;padding-left:.75rem}
.figures dt{font-size:.95rem}.figures dd{margin:0;font-size:2rem;font-weight:bold}
svg{max-width:100%;height:auto;margin:.5rem 0}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
caption{text-align:left;font-weight:bold;padding:.25rem 0}th,td{border-bottom:1px solid #b1b4b6;padding:.3rem;text-align:left}
td,th[scope=col]+th{text-align:right}blockquote{margin:0;border-left:4px solid #b1b4b6;padding-left:.75rem}
.commentary{margin:.5rem 0 1rem .75rem}.commentary .by{font-weight:bold;margin-bottom:0}.items li,.points li{margin-bottom:1rem}
`
