import { describe, expect, it } from 'vitest'
import { PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from '../../src/lib/auth/password.js'
import { acceptTotp, newTotpSecret, totpCode } from '../../src/lib/auth/totp.js'

describe('password policy (R20)', () => {
  it('asks for at least 15 characters and allows at least 64, with no composition rules', () => {
    expect(PASSWORD_MIN).toBe(15)
    expect(PASSWORD_MAX).toBeGreaterThanOrEqual(64)
    expect(passwordProblem('a'.repeat(14))).toMatch(/at least 15/)
    expect(passwordProblem('plain lower case words only here')).toBeNull()
    expect(passwordProblem('x'.repeat(64).replace(/x/g, (_, i: number) => String.fromCharCode(97 + (i % 26))))).toBeNull()
    expect(passwordProblem('y'.repeat(PASSWORD_MAX + 1))).toMatch(/at most/)
  })

  it('refuses common and breached passwords, and repeats of a short one, whatever the case', () => {
    for (const password of ['1234567890123456', 'PasswordPassword', 'passwordpassword1', 'iloveyouiloveyou', 'abcabcabcabcabcabc']) {
      expect(passwordProblem(password), password).toMatch(/most often used/)
    }
  })
})

describe('TOTP (R21)', () => {
  it('accepts the current code once, the neighbouring steps for clock drift, and nothing older', () => {
    const secret = newTotpSecret()
    const now = Date.UTC(2026, 10, 22, 12, 0, 10)
    const step = Math.floor(now / 30_000)

    expect(secret).toHaveLength(20)
    expect(acceptTotp(secret, totpCode(secret, now), 0, now)).toBe(step)
    expect(acceptTotp(secret, totpCode(secret, now), step, now)).toBeNull()
    expect(acceptTotp(secret, totpCode(secret, now - 30_000), 0, now)).toBe(step - 1)
    expect(acceptTotp(secret, totpCode(secret, now - 90_000), 0, now)).toBeNull()
    expect(acceptTotp(secret, 'abcdef', 0, now)).toBeNull()
  })
})
