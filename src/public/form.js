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
    occurredMonth: 'Enter the month it happened, for example 2026-10, and not a month in the future',
    handover: 'Say whether it happened around a handover',
    consentToPublish: 'Say whether we may quote your words'
  }
  const form = $('report-form')
  const steps = { write: $('step-write'), check: $('step-check'), done: $('step-done') }
  let idempotencyKey = null
  let lastSent = null

  const radioValue = (name) => {
    const checked = form.querySelector(`input[name="${name}"]:checked`)
    return checked ? checked.value : ''
  }
  const currentMonth = () => new Date().toISOString().slice(0, 7)

  const readForm = () => ({
    eventClass: radioValue('eventClass'),
    narrative: $('narrative').value,
    detection: radioValue('detection'),
    setting: $('setting').value,
    region: $('region').value,
    occurredMonth: $('occurredMonth').value.trim(),
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
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(body.occurredMonth) || body.occurredMonth > currentMonth()) {
      problems.occurredMonth = MESSAGES.occurredMonth
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

  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const problems = validate()
    showErrors(problems)
    if (Object.keys(problems).length > 0) return
    const button = $('preview-button')
    button.disabled = true
    try {
      const { status, data } = await post('/api/v1/redaction/preview', { text: $('narrative').value })
      if (status !== 200) {
        showErrors(serverProblem(status, data))
        return
      }
      $('preview-text').textContent = data.redacted
      const count = data.findings.length
      $('preview-summary').textContent =
        count === 0 ? 'We found nothing that looks like an identifier.' : `We removed ${count} detail${count === 1 ? '' : 's'} that could identify someone.`
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
    const body = readForm()
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
