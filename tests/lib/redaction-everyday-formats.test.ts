import { describe, expect, it } from 'vitest'
import { findIdentifiers, redact } from '../../src/lib/redaction/index.js'

/**
 * Issue 17 items 1–2: structured identifiers in the formats people really type and paste. The valid vectors are
 * Presidio's own recogniser tests (github.com/microsoft/presidio, commit 0aa9f8e44275cb52c00fbbebe19168e934e1f076:
 * presidio-analyzer/tests/test_uk_nhs_recognizer.py, test_uk_nino_recognizer.py, test_credit_card_recognizer.py,
 * test_email_recognizer.py); every one is then rewritten in the separators, invisible characters and digit
 * scripts that reach the form from Word, Teams, Outlook and phones, and each variant must be removed whole.
 */

const PRESIDIO = {
  nhs: ['401-023-2137', '221 395 1837', '0032698674'],
  nino: ['AA 12 34 56 B', 'hh 01 02 03 d', 'tw987654a', 'PR 123612C', 'YZ 61 48 68 B'],
  card: ['4012888888881881', '4012-8888-8888-1881', '4012 8888 8888 1881', '122000000000003', '371449635398431',
    '5555555555554444', '5019717010103742', '30569309025904', '6011000400000000', '3528000700000000',
    '6759649826438453', '4111111111111111', '4917300800000000', '4484070000000000'],
  email: ['info@presidio.site', 'anotherinfo@presidio.site', 'user@xn--80ak6aa92e.com', 'a@xn--d1acufc.xn--p1ai']
}
// Phones in Ofcom's drama ranges (never allocated), as the probe used them.
const PHONES = ['0191 496 0875', '07700 900123', '020 7946 0321', '0113 496 0000']

const digitsOf = (value: string) => value.replace(/\D/g, '')
/** The same figures regrouped with a separator: "943 - 476 - 5919", "943–476–5919", "943\n476\n5919". */
const regroup = (value: string, separator: string) => {
  const digits = digitsOf(value)
  const sizes = digits.length === 10 ? [3, 3, 4] : digits.length === 11 ? [5, 6] : [4, 4, 4, digits.length - 12]
  let at = 0
  return sizes.map((size) => digits.slice(at, (at += size))).filter(Boolean).join(separator)
}
const SEPARATORS = { 'spaced hyphen': ' - ', 'en dash': '–', 'em dash': '—', 'line break': '\n', dots: '.' }
const script = (zero: number) => (value: string) => value.replace(/\d/g, (digit) => String.fromCodePoint(zero + Number(digit)))
const SCRIPTS = {
  'full-width': script(0xff10),
  'Arabic-Indic': script(0x0660),
  Devanagari: script(0x0966),
  Bengali: script(0x09e6),
  'zero-width space inside': (value: string) => value.replace(/(\d)(\d)/, '$1\u200b$2'),
  'word joiner inside': (value: string) => value.replace(/(\d)(\d)/, '$1\u2060$2'),
  'soft hyphen inside': (value: string) => value.replace(/(\d)(\d)/, '$1\u00ad$2')
}

/** Removed whole: nothing of the value survives, and one finding covers all of it in the original text. */
const expectRemoved = (value: string) => {
  const text = `Mum gave ${value} to the duty desk on Monday.`
  const { redacted } = redact(text)
  expect(redacted, JSON.stringify(value)).not.toContain(value)
  expect(redacted.replace(/\D/g, ''), JSON.stringify(redacted)).toBe('')
  expect(/\p{Nd}/u.test(redacted.replace(/[0-9]/g, '')), JSON.stringify(redacted)).toBe(false)
  expect(redacted.startsWith('Mum gave [') && redacted.endsWith('] to the duty desk on Monday.'), redacted).toBe(true)
}

describe('structured identifiers from public test suites, as written', () => {
  it.each([...PRESIDIO.nhs, ...PRESIDIO.nino, ...PRESIDIO.card, ...PHONES])('%s', (value) => {
    expectRemoved(value)
  })

  it.each(PRESIDIO.email)('%s', (value) => {
    expect(redact(`write to ${value} today`).redacted).toBe('write to [EMAIL] today')
  })
})

describe('the same identifiers in the separators people type', () => {
  const numbers = [...PRESIDIO.nhs, ...PRESIDIO.card.slice(0, 4), ...PHONES]
  for (const [name, separator] of Object.entries(SEPARATORS)) {
    it.each(numbers.map((value) => regroup(value, separator)))(`${name}: %j`, (value) => {
      expectRemoved(value)
    })
  }

  it.each(['AB 123 456 C', 'AB 12 34 56', 'AB123456', 'ab.12.34.56.c', 'AB-12-34-56-C', 'AB 123456 C'])(
    'an NI number in any grouping, with or without its letter: %s',
    (value) => {
      expect(redact(`NI ${value} on file`).redacted).toBe('NI [NI_NUMBER] on file')
    }
  )

  it('two phone numbers one after the other are two numbers, both removed', () => {
    expect(redact('call 0191 496 0875 0191 496 0876 today').redacted).toBe('call [PHONE] [PHONE] today')
    expect(redact('call 07700 900123 07700 900124').redacted).toBe('call [PHONE] [PHONE]')
  })
})

describe('the same identifiers with invisible characters and other digit scripts (pasted text)', () => {
  const values = [...PRESIDIO.nhs, PRESIDIO.card[0] as string, ...PHONES]
  for (const [name, rewrite] of Object.entries(SCRIPTS)) {
    it.each(values.map(rewrite))(`${name}: %j`, (value) => {
      expectRemoved(value)
    })
  }

  it('an e-mail with a zero-width space or a full-width at sign', () => {
    expect(redact('write to john\u200b.smith@gmail.com now').redacted).toBe('write to [EMAIL] now')
    expect(redact('write to john＠gmail.com now').redacted).toBe('write to [EMAIL] now')
  })

  it('placeholders land on the original text: findings point at what the reporter typed', () => {
    const text = 'ring ０１９１ ４９６ ０８７５ or NHS 943\u2060476\u20605919, then ﬁle it'
    const found = findIdentifiers(text).map((finding) => [finding.type, text.slice(finding.start, finding.end)])
    expect(found).toEqual([
      ['PHONE', '０１９１ ４９６ ０８７５'],
      ['NHS_NUMBER', '943\u2060476\u20605919']
    ])
    expect(redact(text).redacted).toBe('ring [PHONE] or NHS [NHS_NUMBER], then ﬁle it')
  })
})

describe('obfuscated e-mails', () => {
  it.each([
    'john at gmail.com',
    'john dot smith at gmail dot com',
    'john.smith at gmail dot co dot uk',
    'john[at]gmail[dot]com',
    'john [at] gmail [dot] com',
    'john(at)gmail.com',
    'john (at) gmail (dot) com',
    'john @ gmail.com',
    'j.smith@nhs.net'
  ])('%s', (value) => {
    expect(redact(`mum's e-mail is ${value} and she reads it`).redacted).toBe("mum's e-mail is [EMAIL] and she reads it")
  })

  it.each([
    'mum was at home on Monday and the visit was at 10.30',
    'we met at school. Dad was at work',
    'the Section 47 was at the MASH; s.17 is on Liquidlogic'
  ])('keeps "at" and "dot" in ordinary sentences: %s', (text) => {
    expect(redact(text)).toEqual({ redacted: text, findings: [] })
  })
})
