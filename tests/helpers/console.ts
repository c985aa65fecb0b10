import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import type { TestUser } from './users.js'

export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

/** axe-core's WCAG 2.2 AA violations on the page as it is now, as "id: help (selector)" lines. */
export const axeViolations = async (page: Page) =>
  (await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`
  )

const stepsUsed = new WeakMap<TestUser, number>()

/**
 * Signs `user` in through the console's sign-in page by the fields' accessible names. Each sign-in uses the next
 * TOTP step (the service accepts each step once, one either side of now), waiting out a step about to end.
 */
export const signInThroughConsole = async (page: Page, user: TestUser) => {
  const used = stepsUsed.get(user) ?? 0
  stepsUsed.set(user, used + 1)
  if (used === 0 && 30_000 - (Date.now() % 30_000) < 3_000) {
    await new Promise((resolve) => setTimeout(resolve, 3_100))
  }
  await page.getByLabel('E-mail').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  await page.getByLabel('Authenticator code').fill(user.code(Date.now() + (used - 1) * 30_000))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
}
