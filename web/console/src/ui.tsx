import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from './api.js'

/** The GOV.UK pattern the reporter form uses: a focused summary at the top, so a screen reader hears it at once. */
export const ErrorSummary = ({ messages }: { messages: string[] }) => {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (messages.length > 0) {
      ref.current?.focus()
    }
  }, [messages.join('|')])
  if (messages.length === 0) {
    return null
  }
  return (
    <div class='error-summary' role='alert' tabIndex={-1} ref={ref}>
      <h2>There is a problem</h2>
      <ul>{messages.map((message) => <li key={message}>{message}</li>)}</ul>
    </div>
  )
}

/** Whole days since a YYYY-MM-DD date: the age of a report in the queue. */
export const daysSince = (date: string, now = new Date()) =>
  Math.max(0, Math.floor((now.getTime() - new Date(`${date}T00:00:00Z`).getTime()) / 86_400_000))

export const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  in_review: 'In review',
  coded: 'Coded',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
  merged: 'Merged'
}

export const label = (key: string) => STATUS_LABELS[key] ?? key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())

/**
 * An admin page's changes: `act(change, notice)` runs one, loads the page's list again, and only then sets the
 * notice, so that what it announces is already on the page; a refusal becomes the error (the service's message).
 */
export const useActions = (load: () => Promise<void>) => {
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const act = async (what: () => Promise<void>, message?: string) => {
    setError(null)
    setDone(null)
    try {
      await what()
      await load()
      setDone(message ?? null)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'That did not work.')
    }
  }
  return { act, error, setError, done }
}
