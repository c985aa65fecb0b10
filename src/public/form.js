// Candid reporter form: write → check what reviewers will see → send → receipt. Runs entirely in this page: it
// talks only to this site's API, stores nothing in the browser, and writes user text with textContent only.
'use strict'
;(() => {
  const $ = (id) => document.getElementById(id)
  const FIELDS = ['narrative', 'eventClass', 'detection', 'setting', 'region', 'occurredMonth', 'handover', 'consentToPublish']
  const MESSAGES = {
    narrative: 'Describe what happened in at least 20 characters',
    eventClass: 'Choose what kind of event it was',
    detection: 'Choose how it was noticed',
    setting: 'Choose where in the work it happened',
    region: 'Choose the region you work in',
    occurredMonth: 'Enter the month it happened as 2026-10, 10/2026, Oct 2026 or October 2026',
    handover: 'Say whether it happened around a handover',
    consentToPublish: 'Say whether we may quote your words'
  }
  const FUTURE_MONTH = 'Enter a month that is not in the future'
  const form = $('report-form')
  const steps = { write: $('step-write'), check: $('step-check'), done: $('step-done') }
  let idempotencyKey = null
  let lastSent = null
  // The reporter's own marks: phrases still shown in the preview that they asked to have removed too. They live
  // only in this page and travel with the report; the server applies them after its own pass.
  let marks = []
  let marking = false

  const radioValue = (name) => {
    const checked = form.querySelector(`input[name="${name}"]:checked`)
    return checked ? checked.value : ''
  }
  const currentMonth = () => new Date().toISOString().slice(0, 7)

  // Months as people type them (issue 14): 2026-11, 2026/11, 11/2026, 11-2026, Nov 2026, November 2026, Sept 2026.
  // A text field and this parser, not <input type=month>, which Chromium and Firefox each read differently.
  const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
    'november', 'december']
  const parseMonth = (raw) => {
    const text = raw.trim().toLowerCase().replace(/\s+/g, ' ')
    let year
    let month
    let match
    if ((match = /^(\d{4}) ?[-/. ] ?(\d{1,2})$/.exec(text))) {
      year = Number(match[1])
      month = Number(match[2])
    } else if ((match = /^(\d{1,2}) ?[-/. ] ?(\d{4})$/.exec(text))) {
      month = Number(match[1])
      year = Number(match[2])
    } else if ((match = /^([a-z]+)\.?,? ?[-/ ]? ?(\d{4})$/.exec(text))) {
      const name = match[1]
      month = name.length >= 3 ? MONTH_NAMES.findIndex((full) => full.startsWith(name)) + 1 : 0
      year = Number(match[2])
    } else {
      return null
    }
    if (month < 1 || month > 12 || year < 1900 || year > 2099) return null
    return `${year}-${String(month).padStart(2, '0')}`
  }

  const readForm = () => ({
    eventClass: radioValue('eventClass'),
    narrative: $('narrative').value,
    detection: radioValue('detection'),
    setting: $('setting').value,
    region: $('region').value,
    occurredMonth: parseMonth($('occurredMonth').value) ?? $('occurredMonth').value.trim(),
    handover: radioValue('handover') === 'true',
    consentToPublish: radioValue('consentToPublish') === 'true'
  })

  const validate = () => {
    const problems = {}
    const body = readForm()
    if (body.narrative.trim().length < 20) problems.narrative = MESSAGES.narrative
    for (const name of ['eventClass', 'detection', 'handover', 'consentToPublish']) {
      if (!radioValue(name)) problems[name] = MESSAGES[name]
    }
    if (!body.setting) problems.setting = MESSAGES.setting
    if (!body.region) problems.region = MESSAGES.region
    const month = parseMonth($('occurredMonth').value)
    if (month === null) {
      problems.occurredMonth = MESSAGES.occurredMonth
    } else if (month > currentMonth()) {
      problems.occurredMonth = FUTURE_MONTH
    }
    return problems
  }

  const focusTarget = (name) =>
    name === 'eventClass' || name === 'detection' || name === 'handover' || name === 'consentToPublish'
      ? form.querySelector(`input[name="${name}"]`)
      : $(name)

  const showErrors = (problems) => {
    const list = $('error-list')
    list.replaceChildren()
    for (const name of FIELDS) {
      const field = $(`${name}-field`)
      const message = $(`${name}-error`)
      if (problems[name]) {
        field.classList.add('has-error')
        message.textContent = `Error: ${problems[name]}`
        message.hidden = false
        const item = document.createElement('li')
        const link = document.createElement('a')
        link.href = `#${focusTarget(name).id}`
        link.textContent = problems[name]
        link.addEventListener('click', (event) => {
          event.preventDefault()
          focusTarget(name).focus()
        })
        item.append(link)
        list.append(item)
      } else {
        field.classList.remove('has-error')
        message.hidden = true
      }
    }
    for (const extra of Object.keys(problems).filter((name) => !FIELDS.includes(name))) {
      const item = document.createElement('li')
      item.textContent = problems[extra]
      list.append(item)
    }
    const summary = $('error-summary')
    summary.hidden = list.children.length === 0
    if (!summary.hidden) summary.focus()
  }

  const show = (step) => {
    for (const [name, section] of Object.entries(steps)) section.hidden = name !== step
    const heading = steps[step].querySelector('h1')
    // A new step is a new page to a screen reader: new title, focus on its heading (WCAG 2.4.2, 2.4.3).
    document.title = `${heading.textContent} – Candid`
    heading.setAttribute('tabindex', '-1')
    heading.focus()
  }

  const post = async (url, body, headers = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer'
    })
    const data = await response.json().catch(() => ({}))
    return { status: response.status, data }
  }

  const serverProblem = (status, data) => {
    if (status === 400 && typeof data.message === 'string') {
      if (data.message.startsWith('body.marks')) {
        return { server: 'Something you asked us to remove no longer matches your report. Check what reviewers will see again, then send it.' }
      }
      const field = FIELDS.find((name) => data.message.includes(`body.${name}`))
      if (field) return { [field]: MESSAGES[field] }
    }
    if (status === 429) return { server: 'You have sent a lot of reports in a short time. Please wait a few minutes and try again.' }
    if (status === 413) return { narrative: 'Your description is too long: please shorten it to 10,000 characters' }
    return { server: 'Something went wrong on our side and nothing was sent. Please try again in a minute.' }
  }

  $('narrative').addEventListener('input', () => {
    const left = 10000 - $('narrative').value.length
    $('narrative-count').textContent = `You have ${left.toLocaleString('en-GB')} characters left.`
  })

  // ---- The reporter's own marks --------------------------------------------------------------------------------
  const PLACEHOLDER = /\[[A-Z_]+\]/g
  const WORD = /[\p{L}\p{N}]/u
  const quote = (phrase) => `“${phrase}”`
  const sameMark = (a, b) => a.toLocaleLowerCase('en-GB') === b.toLocaleLowerCase('en-GB')

  // What the reporter selected or typed, as marks: whole words, with any placeholder in it left out (a mark may
  // only cover text still shown, so "Gosia [NAME] Kowalczyk" becomes two marks, "Gosia" and "Kowalczyk").
  const phrasesOf = (text) =>
    text
      .split(PLACEHOLDER)
      .map((part) => part.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').replace(/\s+/g, ' '))
      .filter((part) => part.length > 0)

  const preview = (withMarks) =>
    post('/api/v1/redaction/preview', { text: $('narrative').value, marks: withMarks.map((phrase) => ({ phrase })) })

  const showPreview = (data) => {
    $('preview-text').textContent = data.redacted
    const ours = data.findings.filter((finding) => finding.type !== 'REMOVED').length
    const theirs = data.findings.length - ours
    $('preview-summary').textContent =
      (ours === 0 ? 'We found nothing that looks like an identifier.' : `We removed ${ours} detail${ours === 1 ? '' : 's'} that could identify someone.`) +
      (theirs === 0 ? '' : ` You removed ${theirs} more.`)
    const list = $('marks-list')
    list.replaceChildren()
    marks.forEach((phrase, index) => {
      const item = document.createElement('li')
      const text = document.createElement('span')
      text.className = 'phrase'
      text.textContent = quote(phrase)
      const places = data.marks[index]?.found ?? 0
      const count = document.createElement('span')
      count.textContent = `${places} place${places === 1 ? '' : 's'}`
      const undo = document.createElement('button')
      undo.type = 'button'
      undo.className = 'button secondary'
      undo.textContent = 'Undo'
      const hidden = document.createElement('span')
      hidden.className = 'visually-hidden'
      hidden.textContent = ` removing ${quote(phrase)}`
      undo.append(hidden)
      undo.addEventListener('click', () => unmark(index))
      item.append(text, count, undo)
      list.append(item)
    })
    list.hidden = marks.length === 0
    $('marks-list-title').hidden = marks.length === 0
  }

  const announce = (message) => {
    $('marks-status').textContent = message
  }

  const markError = (message) => {
    const error = $('mark-error')
    error.textContent = message ? `Error: ${message}` : ''
    error.hidden = !message
    $('marks').classList.toggle('has-error', Boolean(message))
  }

  const mark = async () => {
    const fresh = phrasesOf($('mark-phrase').value).filter((phrase) => !marks.some((known) => sameMark(known, phrase)))
    if (fresh.length === 0) {
      const empty = $('mark-phrase').value.trim() === ''
      markError(empty ? 'Select or type a word or phrase that is still shown in your report' : 'That is already removed: choose a word or phrase that is still shown')
      $('mark-phrase').focus()
      return
    }
    // A busy flag, not `disabled`: disabling the focused button would drop the keyboard focus to the page.
    if (marking) return
    marking = true
    try {
      const next = [...marks, ...fresh]
      const { status, data } = await preview(next)
      if (status !== 200) {
        const busy = status === 429
        markError(busy ? 'You have checked a lot in a short time. Please wait a minute and try again.' : 'We could not remove that: use only words still shown, up to 200 characters at a time')
        $('mark-phrase').focus()
        return
      }
      const missing = fresh.filter((_phrase, index) => data.marks[marks.length + index].found === 0)
      if (missing.length > 0) {
        markError(`We cannot find ${missing.map(quote).join(' or ')} in the text shown. Type whole words as they are shown`)
        $('mark-phrase').focus()
        return
      }
      marks = next
      markError('')
      showPreview(data)
      $('mark-phrase').value = ''
      $('mark-phrase').focus()
      const places = fresh.map((_phrase, index) => data.marks[marks.length - fresh.length + index].found)
      announce(`Removed ${fresh.map((phrase, index) => `${quote(phrase)} in ${places[index]} place${places[index] === 1 ? '' : 's'}`).join(' and ')}. It now shows as [REMOVED].`)
    } catch {
      markError('We could not reach Candid. Check your connection and try again.')
    } finally {
      marking = false
    }
  }

  const unmark = async (index) => {
    const phrase = marks[index]
    const next = marks.filter((_phrase, at) => at !== index)
    try {
      const { status, data } = await preview(next)
      if (status !== 200) {
        markError('We could not undo that just now. Please try again in a minute.')
        return
      }
      marks = next
      markError('')
      showPreview(data)
      announce(`${quote(phrase)} is shown again.`)
      // Focus goes to the next undo button, or back to the field when none is left (WCAG 2.4.3).
      const buttons = $('marks-list').querySelectorAll('button')
      ;(buttons[Math.min(index, buttons.length - 1)] ?? $('mark-phrase')).focus()
    } catch {
      markError('We could not reach Candid. Check your connection and try again.')
    }
  }

  // A selection in the preview fills the field: widened to whole words and to any placeholder it cuts into.
  document.addEventListener('selectionchange', () => {
    const selection = document.getSelection()
    const box = $('preview-text')
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed || steps.check.hidden) return
    const range = selection.getRangeAt(0)
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return
    const text = box.textContent
    const offset = (container, at) => {
      const before = document.createRange()
      before.selectNodeContents(box)
      before.setEnd(container, at)
      return before.toString().length
    }
    let start = offset(range.startContainer, range.startOffset)
    let end = offset(range.endContainer, range.endOffset)
    while (start > 0 && WORD.test(text[start - 1])) start -= 1
    while (end < text.length && WORD.test(text[end])) end += 1
    for (const found of text.matchAll(PLACEHOLDER)) {
      if (found.index < end && found.index + found[0].length > start) {
        start = Math.min(start, found.index)
        end = Math.max(end, found.index + found[0].length)
      }
    }
    // Placeholders stay in the field, so the reporter sees what they chose; they are left out when marking.
    $('mark-phrase').value = text.slice(start, end).trim().replace(/\s+/g, ' ')
  })

  $('mark-button').addEventListener('click', mark)
  $('mark-phrase').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault()
      mark()
    }
  })

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const problems = validate()
    showErrors(problems)
    if (Object.keys(problems).length > 0) return
    const button = $('preview-button')
    button.disabled = true
    try {
      const { status, data } = await preview(marks)
      if (status !== 200) {
        showErrors(serverProblem(status, data))
        return
      }
      // After an edit, a mark may no longer match anything: it is dropped, and the reporter told so.
      const dropped = marks.filter((_phrase, index) => data.marks[index].found === 0)
      if (dropped.length > 0) {
        marks = marks.filter((_phrase, index) => data.marks[index].found > 0)
        data.marks = data.marks.filter((entry) => entry.found > 0)
      }
      showPreview(data)
      markError('')
      $('mark-phrase').value = ''
      announce(dropped.length > 0 ? `${dropped.map(quote).join(' and ')} no longer appear${dropped.length === 1 ? 's' : ''} in your report.` : '')
      $('live-risk').hidden = !data.liveRisk
      $('live-risk-confirm').checked = false
      $('live-risk-error').hidden = true
      show('check')
    } catch {
      showErrors({ server: 'We could not reach Candid. Check your connection and try again.' })
    } finally {
      button.disabled = false
    }
  })

  $('edit-button').addEventListener('click', () => {
    show('write')
    $('narrative').focus()
  })

  $('send-button').addEventListener('click', async () => {
    if (!$('live-risk').hidden && !$('live-risk-confirm').checked) {
      const error = $('live-risk-error')
      error.textContent = 'Error: Confirm that no child is at risk now, or use the routes above first'
      error.hidden = false
      $('live-risk-confirm').focus()
      return
    }
    const body = { ...readForm(), marks: marks.map((phrase) => ({ phrase })) }
    const fingerprint = JSON.stringify(body)
    // The same report retried (a dropped connection) keeps its key, so it is stored once.
    if (fingerprint !== lastSent) {
      idempotencyKey = crypto.randomUUID()
      lastSent = fingerprint
    }
    const button = $('send-button')
    button.disabled = true
    try {
      const { status, data } = await post('/api/v1/reports', body, { 'Idempotency-Key': idempotencyKey })
      if (status !== 201) {
        show('write')
        showErrors(serverProblem(status, data))
        return
      }
      $('receipt').textContent = data.receipt
      form.reset()
      marks = []
      $('marks-list').replaceChildren()
      announce('')
      idempotencyKey = null
      lastSent = null
      $('preview-text').textContent = ''
      $('error-summary').hidden = true
      show('done')
    } catch {
      showErrors({ server: 'We could not reach Candid, so your report may not have been sent. Press Send report again: it will not be sent twice.' })
    } finally {
      button.disabled = false
    }
  })
})()
