// Idle sign-out (issue 12): 15 minutes without a key press, click or touch ends the session from the browser, well
// before the service's own 30-minute idle limit, so a console left open on a shared desk does not stay open.

export const IDLE_LIMIT_MS = 15 * 60 * 1000
const EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const

export const watchIdle = (onIdle: () => void, limitMs = IDLE_LIMIT_MS) => {
  let timer = window.setTimeout(onIdle, limitMs)
  const reset = () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(onIdle, limitMs)
  }
  for (const event of EVENTS) {
    window.addEventListener(event, reset, { passive: true })
  }
  return () => {
    window.clearTimeout(timer)
    for (const event of EVENTS) {
      window.removeEventListener(event, reset)
    }
  }
}
