import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'

/** Debian's Chromium (apt-get install chromium), or CHROMIUM_PATH. The browser tests skip without one. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** CI sets CANDID_REQUIRE_BROWSER=1 so that a missing browser fails the run instead of skipping the tests. */
export const hasChromium = () => existsSync(CHROMIUM_PATH) || process.env.CANDID_REQUIRE_BROWSER === '1'

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  })

/** Fills the reporter form with a complete, valid report about `narrative`. */
export const fillReport = async (page: Page, narrative: string) => {
  await page.fill('#narrative', narrative)
  await page.check('#eventClass-near_miss')
  await page.check('#detection-colleague')
  await page.selectOption('#setting', 'child_protection')
  await page.selectOption('#region', 'north-east')
  await page.fill('#occurredMonth', new Date().toISOString().slice(0, 7))
  await page.check('#handover-no')
  await page.check('#consentToPublish-yes')
}
