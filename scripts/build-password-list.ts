// Builds src/lib/auth/data/common-passwords.txt, the list of common and breached passwords refused at sign-up
// (ASVS 5.0 6.2.4, 6.2.12): zxcvbn's 30,000 most frequent passwords (from public breach corpora; MIT).
// Run after upgrading zxcvbn: npx tsx scripts/build-password-list.ts
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { passwords } = require('zxcvbn/lib/frequency_lists') as { passwords: string[] }
const list = [...new Set(passwords.map((password) => password.toLowerCase()))].sort()
writeFileSync(new URL('../src/lib/auth/data/common-passwords.txt', import.meta.url), `${list.join('\n')}\n`)
process.stdout.write(`common-passwords.txt: ${list.length}\n`)
