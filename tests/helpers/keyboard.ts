import type { Locator, Page } from 'playwright-core'

/**
 * Keyboard-only driving for the browser journeys: every control is reached with Tab (as a keyboard user would,
 * in the page's own order) and operated with Enter, Space, arrows or typing — never clicked or focused by script.
 * Reaching a control proves it is in the tab order; `max` bounds the search so a trap or a missing control fails.
 */
export const tabTo = async (page: Page, target: Locator, max = 300) => {
  await target.waitFor()
  for (let presses = 0; presses <= max; presses += 1) {
    if (await target.evaluate((element) => element === element.ownerDocument.activeElement)) {
      return
    }
    await page.keyboard.press('Tab')
  }
  throw new Error(`${max} presses of Tab did not reach ${target.toString()}`)
}

/** Tabs to a button (or link) and presses Enter. */
export const pressKey = async (page: Page, target: Locator, key = 'Enter') => {
  await tabTo(page, target)
  await page.keyboard.press(key)
}

/** Tabs to a text field and types into it. */
export const typeInto = async (page: Page, target: Locator, text: string) => {
  await tabTo(page, target)
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.type(text)
}

/** Tabs to a closed <select> and moves through its options with the arrow keys until `value` is chosen. */
export const chooseByKeyboard = async (page: Page, select: Locator, value: string, max = 60) => {
  await tabTo(page, select)
  for (let presses = 0; presses <= max; presses += 1) {
    if ((await select.inputValue()) === value) {
      return
    }
    await page.keyboard.press('ArrowDown')
  }
  throw new Error(`the arrow keys did not reach ${value} in ${select.toString()}`)
}
