// Candid "your report" page: look up a receipt, read the conversation, answer, withdraw. The receipt stays in this
// page's memory only (never in the address, a cookie or storage); user text is written with textContent only.
'use strict'
;(() => {
  const $ = (id) => document.getElementById(id)
  const STATUS = {
    new: ['Received', 'Your report is waiting for a reviewer.'],
    in_review: ['Being reviewed', 'A reviewer is reading your report.'],
    coded: ['Reviewed', 'A reviewer has coded what contributed and what helped. It will be part of the next learning summary.'],
    closed: ['Closed', 'The review is finished. What you wrote will be destroyed after the retention period; the coded themes stay.'],
    withdrawn: ['Withdrawn', 'You withdrew this report. What you wrote and every message have been destroyed.']
  }
  const WHO = { question: 'A reviewer asked', response: 'The reviewers’ response', answer: 'You answered' }
  let receipt = null

  const clearErrors = () => {
    $('error-summary').hidden = true
    $('error-list').replaceChildren()
    for (const id of ['receipt', 'answer', 'withdraw']) {
      $(`${id}-error`).hidden = true
      const field = $(`${id}-field`)
      if (field) field.classList.remove('has-error')
    }
  }

  const showError = (id, message, focusId) => {
    const item = document.createElement('li')
    const link = document.createElement('a')
    link.href = `#${focusId}`
    link.textContent = message
    link.addEventListener('click', (event) => {
      event.preventDefault()
      $(focusId).focus()
    })
    item.append(link)
    $('error-list').replaceChildren(item)
    $(`${id}-error`).textContent = message
    $(`${id}-error`).hidden = false
    const field = $(`${id}-field`)
    if (field) field.classList.add('has-error')
    $('error-summary').hidden = false
    $('error-summary').focus()
  }

  const call = async (method, path, body) => {
    const response = await fetch(`/api/v1/receipts/${encodeURIComponent(receipt)}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit',
      cache: 'no-store'
    })
    const data = await response.json().catch(() => ({}))
    return { status: response.status, data }
  }

  const problemFor = (status, data) =>
    status === 404
      ? 'No report has this receipt. Check each character and try again.'
      : status === 429
        ? 'Too many tries. Wait a minute and try again.'
        : data.message || 'Something went wrong. Please try again.'

  const ACTION_STATUS = {
    proposed: 'Proposed',
    agreed: 'Agreed',
    in_progress: 'In progress',
    done: 'Done',
    dropped: 'Dropped'
  }

  // Hazard alerts sent about what the report raised, and the actions that answer it ("you said, we did").
  const renderChanges = (data) => {
    const alerts = data.alerts || []
    const actions = data.actions || []
    $('changes-block').hidden = alerts.length === 0 && actions.length === 0
    $('alerts-line').hidden = alerts.length === 0
    $('alerts-line').textContent = alerts.length === 0
      ? ''
      : `The team sent a hazard alert to the regions about what your report raised (${alerts.map((a) => a.issuedOn).join(', ')}).`
    $('actions').replaceChildren(
      ...actions.map((action) => {
        const item = document.createElement('li')
        const who = document.createElement('p')
        who.className = 'who'
        who.textContent = `${ACTION_STATUS[action.status] || action.status}, updated ${action.updatedOn}`
        const text = document.createElement('p')
        text.className = 'text'
        text.textContent = action.action
        item.append(who, text)
        const after = action.status === 'done' ? action.outcome : action.status === 'dropped' ? action.reason : ''
        if (after) {
          const detail = document.createElement('p')
          detail.className = 'text'
          detail.textContent = `${action.status === 'done' ? 'What changed' : 'Why it was dropped'}: ${after}`
          item.append(detail)
        }
        return item
      })
    )
  }

  const render = (data) => {
    const [label, detail] = STATUS[data.status] || [data.status, '']
    $('status-text').textContent = label
    $('status-detail').textContent = detail
    const list = $('messages')
    list.replaceChildren(
      ...data.messages.map((message) => {
        const item = document.createElement('li')
        if (message.kind === 'answer') item.className = 'from-you'
        const who = document.createElement('p')
        who.className = 'who'
        who.textContent = `${WHO[message.kind] || message.kind}, ${message.sentOn}`
        const text = document.createElement('p')
        text.className = 'text'
        text.textContent = message.text
        item.append(who, text)
        return item
      })
    )
    $('no-messages').hidden = data.messages.length > 0
    renderChanges(data)
    const isOpen = data.status !== 'withdrawn'
    $('answer-form').hidden = !isOpen
    $('withdraw-block').hidden = !isOpen
  }

  const show = async () => {
    const { status, data } = await call('GET', '')
    if (status !== 200) return { status, data }
    render(data)
    return { status, data }
  }

  $('lookup-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    clearErrors()
    const value = $('receipt-input').value.trim()
    if (!/^[0-9A-Za-z-\s]{16,30}$/.test(value)) {
      showError('receipt', 'Enter your receipt: 16 letters and numbers, with or without dashes', 'receipt-input')
      return
    }
    receipt = value.replace(/\s+/g, '')
    $('lookup-button').disabled = true
    try {
      const { status, data } = await show()
      if (status !== 200) {
        receipt = null
        showError('receipt', problemFor(status, data), 'receipt-input')
        return
      }
      $('receipt-input').value = ''
      $('step-lookup').hidden = true
      $('step-report').hidden = false
      $('report-title').focus()
    } finally {
      $('lookup-button').disabled = false
    }
  })

  $('answer-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    clearErrors()
    const text = $('answer-input').value.trim()
    if (!text) {
      showError('answer', 'Write your answer before sending it', 'answer-input')
      return
    }
    $('answer-button').disabled = true
    try {
      const { status, data } = await call('POST', '/messages', { text })
      if (status !== 201) {
        showError('answer', problemFor(status, data), 'answer-input')
        return
      }
      $('answer-input').value = ''
      await show()
      $('messages').lastElementChild?.setAttribute('tabindex', '-1')
      $('messages').lastElementChild?.focus()
    } finally {
      $('answer-button').disabled = false
    }
  })

  $('withdraw-button').addEventListener('click', async () => {
    clearErrors()
    if (!$('withdraw-confirm').checked) {
      showError('withdraw', 'Tick the box to confirm you want to withdraw your report', 'withdraw-confirm')
      return
    }
    $('withdraw-button').disabled = true
    try {
      const { status, data } = await call('POST', '/withdraw', { confirm: true })
      if (status !== 200) {
        showError('withdraw', problemFor(status, data), 'withdraw-confirm')
        return
      }
      await show()
      $('report-title').focus()
    } finally {
      $('withdraw-button').disabled = false
    }
  })
})()
