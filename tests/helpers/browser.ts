import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

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
