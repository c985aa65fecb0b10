// Generates tests/redaction/corpus/uk-narratives.jsonl: synthetic, labelled near-miss narratives in the style of
// English children's social care, for scoring the redaction pipeline (bench/redaction, and a test that fails
// below the targets). Deterministic: the same seed gives the same file. Run: npx tsx tests/redaction/corpus/generate.ts
//
// Honesty rules for this corpus:
// - its people's names come from the hand-typed lists below, not from the lists the redactor uses, and about one
//   in six is a rare or invented name that no list holds, so the score shows what the rules do without a list;
// - every identifier is labelled by the generator as it fills a slot, never by running the redactor;
// - keep strings are domain words (Section 47, ICPC, mum, weekdays, durations…) that must survive.
import { writeFileSync } from 'node:fs'

let seed = 20261121
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
const pad = (n: number, width = 2) => String(n).padStart(width, '0')

const CHILD_NAMES = `Jayden Kacey Tia-Rose Alfie Maisie Harley Lexi Riley Mason Skye Kian Leighton Brooke Tyler Demi Callum
Amira Zayn Hamza Inaaya Musa Yusra Ifeoma Chidera Kofi Ama Tomasz Zofia Wiktor Natalia Andrei Bianca Darius Ionela
Aoife Cian Niamh Lewys Cerys Eilidh Lachlan Isla-Mae Kenzie Mylo Ezra Nevaeh Ashton Lacey-Jo Braxton Kendra Taylan`.split(/\s+/)
const ADULT_FIRST = `Sharon Kerry Gemma Leanne Stacey Donna Claire Jodie Nicola Amanda Dean Wayne Craig Darren Lee Shaun Gary Paul
Nasreen Shabana Rukhsana Imran Tariq Adebayo Funmilayo Grace Precious Blessing Agnieszka Marek Elena Florin Siobhan
Declan Bronwen Morag Fraser Chantelle Kyle Jordan Ashleigh Robyn Carly`.split(/\s+/)
const SURNAMES = `Robson Armstrong Charlton Dodds Milburn Hetherington Thirlwell Scollen Purvis Makepeace Okonjo Adeyemi Mensah
Hussain Begum Chaudhry Mahmood Kowalczyk Nowicki Dumitrescu Popovici Gallagher McGuinness Rees Pritchard Cunningham
Fairbairn Liddle Wardle Tait Forster Heslop Bainbridge Stoddart Ridley Shotton Teasdale Atkinson Pickering Oyelowo`.split(/\s+/)
// Rare or made-up names, in no public list: what the redactor must catch by shape and context alone.
const RARE_NAMES = `Brixtyn Zaelyn Kaydence Oaklee Jaxxon Raylynn Tobiah Zorlan Mirabeth Quillon Treyvon Saffiya Elowen Bexlee
Caelum Ryker Xanthe Pelham Lorcan Wrenna`.split(/\s+/)
const TOWNS = `Gateshead Hartlepool Sunderland Wallsend Jarrow Hebburn Blyth Ashington Cramlington Consett Stanley Seaham
Peterlee Bishop-Auckland Spennymoor Middlesbrough Stockton Redcar Whitley-Bay Tynemouth`.split(/\s+/).map((town) =>
    town.replace('-', ' ')
  )
const STREETS = `Elswick Road|Holly Avenue|Meadowbank Close|Westmorland Road|Heaton Park Road|Chillingham Road|Shields Road|
Pottery Lane|Brunswick Crescent|Ravensworth Terrace|Coquet Street|Tyne View Gardens|Kielder Drive|Wansbeck Grove`
  .split('|')
  .map((street) => street.trim())
const POSTCODES = `NE6 2TY|NE4 7LD|SR2 8QB|TS24 7HL|DH1 3EX|NE28 6QZ|NE31 1SD|NE63 9AL|TS1 4AG|DL14 6RR|NE12 8BT|SR7 7NW|
M14 7HL|LS11 5DR|B12 0JS|CF24 3AA|SW9 8QB|L8 2TN|BS5 9QP|NG7 5HW`
  .split('|')
  .map((postcode) => postcode.trim())
const SCHOOLS = `St Aidan's Primary School|Walkergate Primary School|Benfield Academy|Heaton Manor School|Kingsmeadow Academy|
Redby Primary School|Thornhill School|Elswick Nursery|Throckley Primary School|St Cuthbert's High School`
  .split('|')
  .map((school) => school.trim())
const SURGERIES = 'Elswick Family Surgery|Holmside Medical Centre|Bewick Road Surgery|Collingwood Health Centre|Grainger Medical Practice'
  .split('|')
  .map((surgery) => surgery.trim())
const TEAMS = 'Longbenton Team|Byker Team|Hartlepool MASH|Gateshead Front Door|Walker Family Hub|Felling Team'.split('|')
const EMAIL_HOSTS = ['gmail.com', 'hotmail.co.uk', 'outlook.com', 'yahoo.co.uk', 'icloud.com', 'btinternet.com']
const MONTH_NAMES = 'January February March April May June July August September October November December'.split(' ')
const DURATIONS = ['three weeks', 'two days', 'six months', '10 days', 'four hours', 'a fortnight', '18 months']
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']

type Identifier = { type: string; value: string }

const nhsNumber = (): string => {
  for (;;) {
    const digits = Array.from({ length: 9 }, () => int(0, 9))
    const sum = digits.reduce((total, digit, i) => total + digit * (10 - i), 0)
    const check = 11 - (sum % 11)
    const last = check === 11 ? 0 : check
    if (last !== 10) {
      const all = [...digits, last].join('')
      return pick([`${all.slice(0, 3)} ${all.slice(3, 6)} ${all.slice(6)}`, all, `${all.slice(0, 3)}-${all.slice(3, 6)}-${all.slice(6)}`])
    }
  }
}
const nino = () => {
  const first = pick('ABCEHJKLMNOPRSTWXYZ'.split(''))
  const second = pick('ABCEHJKLMNPRSTWXYZ'.split(''))
  const prefix = ['BG', 'GB', 'NK', 'KN', 'NT', 'TN', 'ZZ'].includes(first + second) ? 'AB' : first + second
  const digits = `${pad(int(0, 99))} ${pad(int(0, 99))} ${pad(int(0, 99))}`
  const suffix = pick(['A', 'B', 'C', 'D'])
  return pick([`${prefix} ${digits} ${suffix}`, `${prefix}${digits.replace(/ /g, '')}${suffix}`])
}
const phone = () =>
  pick([
    `07${int(100, 999)} ${int(100000, 999999)}`,
    `0191 ${int(200, 999)} ${pad(int(0, 9999), 4)}`,
    `+44 7${int(100, 999)} ${int(100000, 999999)}`,
    `020 ${int(7000, 8999)} ${pad(int(0, 9999), 4)}`,
    `07${int(100, 999)}${int(100000, 999999)}`
  ])
const dateOfBirth = () => {
  const day = int(1, 28)
  const month = int(1, 12)
  const year = int(2008, 2024)
  return pick([
    `${pad(day)}/${pad(month)}/${year}`,
    `${day} ${MONTH_NAMES[month - 1]} ${year}`,
    `${year}-${pad(month)}-${pad(day)}`,
    `${day}.${month}.${year}`
  ])
}
const exactDate = () => {
  const day = int(1, 28)
  const month = MONTH_NAMES[int(0, 11)] as string
  return pick([`${day} ${month}`, `${day} ${month} 2026`, `${pad(day)}/${pad(int(1, 12))}/2026`, `${month} ${day}th`])
}
const caseRef = () =>
  pick([
    `MOS-${int(100000, 999999)}`,
    `LA/2026/${pad(int(0, 99999), 5)}`,
    `CIN${int(100000, 999999)}`,
    `${int(10000000, 99999999)}`,
    `LCS${int(1000000, 9999999)}`
  ])

type Person = { first: string; surname: string }
const person = (first: readonly string[]): Person => ({
  first: random() < 0.17 ? pick(RARE_NAMES) : pick(first),
  surname: random() < 0.1 ? pick(RARE_NAMES) : pick(SURNAMES)
})

/** One narrative: a scenario's sentences with slots filled and every identifier labelled. */
const narrative = (index: number) => {
  const ids: Identifier[] = []
  const keep = new Set<string>()
  const id = (type: string, value: string) => {
    ids.push({ type, value })
    return value
  }
  const k = (value: string) => {
    keep.add(value)
    return value
  }
  const child = person(CHILD_NAMES)
  const mum = person(ADULT_FIRST)
  const worker = person(ADULT_FIRST)
  const town = pick(TOWNS)
  const age = int(1, 16)
  const opening = pick([
    () => `On ${k(pick(WEEKDAYS))} I was covering the duty desk when the ${k('MASH')} passed through a referral about ${id('NAME', child.first)} ${id('NAME', child.surname)} ${id('AGE', `(${age})`)}.`,
    () => `I was allocated the ${k('Section 47')} enquiry for ${id('NAME', child.first)}, ${id('AGE', `aged ${age}`)}, who lives with ${k('mum')} ${id('NAME', mum.first)} in ${id('ADDRESS', town)}.`,
    () => `This near miss happened during a ${k('strategy meeting')} about ${id('NAME', `${child.first} ${child.surname}`)}, DOB ${id('DATE_OF_BIRTH', dateOfBirth())}.`,
    () => `${k('The health visitor')}, ${id('NAME', `${mum.first === worker.first ? 'Leanne' : worker.first} ${worker.surname}`)}, rang the Front Door on ${id('DATE', exactDate())} worried about ${id('NAME', child.first)}.`,
    () => `Before the ${k('ICPC')} for ${id('NAME', child.first)} I noticed the ${k('Mosaic')} record had the wrong address: ${id('ADDRESS', `${int(1, 120)} ${pick(STREETS)}`)}, ${id('POSTCODE', pick(POSTCODES))}.`,
    () => `Mrs ${id('NAME', mum.surname)} called the ${id('ORG', pick(TEAMS))} to say her son ${id('NAME', child.first)} had not been seen at ${id('ORG', pick(SCHOOLS))} for ${k(pick(DURATIONS))}.`
  ])()
  const middle = [
    () => `The referral listed his NHS number as ${id('NHS_NUMBER', nhsNumber())}, which turned out to belong to his brother ${id('NAME', pick(CHILD_NAMES))}.`,
    () => `A letter went to the old address with ${k('mum')}'s National Insurance number ${id('NI_NUMBER', nino())} printed on it.`,
    () => `I tried ${k('mum')} on ${id('PHONE', phone())} but the number on ${k('Liquidlogic')} was two years out of date.`,
    () => `The case was still open under ${id('CASE_REF', caseRef())} even though the ${k('child protection plan')} had ended in ${k(pick(MONTH_NAMES))}.`,
    () => `An email meant for dad went to ${id('EMAIL', `${mum.first.toLowerCase().replace(/[^a-z]/g, '')}.${int(70, 99)}@${pick(EMAIL_HOSTS)}`)} instead, and she forwarded it to her sister.`,
    () => `${id('ORG', pick(SURGERIES))} confirmed the baby, born ${id('DATE_OF_BIRTH', dateOfBirth())}, had missed two immunisations.`,
    () => `My ${k('Team Manager')} ${id('NAME', worker.first)} spotted that the ${k('PLO')} letter named the wrong father, ${id('NAME', `${pick(ADULT_FIRST)} ${pick(SURNAMES)}`)}.`,
    () => `The ${k('LADO')} was not told for ${k(pick(DURATIONS))} because the allegation about a coach at ${id('ORG', pick(SCHOOLS))} sat in a shared inbox.`,
    () => `We only caught it because the school nurse, ${id('NAME', `${pick(ADULT_FIRST)} ${pick(SURNAMES)}`)}, rang back on ${k(pick(WEEKDAYS))} afternoon.`,
    () => `Child ${id('NAME', child.first)} was recorded on the system with date of birth ${id('DATE_OF_BIRTH', dateOfBirth())} and the wrong gender.`,
    () => `The police ${k('PPN')} gave the address as ${id('ADDRESS', `Flat ${int(1, 40)}, ${int(1, 200)} ${pick(STREETS)}`)}, ${id('ADDRESS', town)} ${id('POSTCODE', pick(POSTCODES))}.`,
    () => `${k('Ofsted')} had flagged the same gap in ${k('s.17')} assessments last year.`,
    () => `The foster carer, Mr ${id('NAME', worker.surname)}, had been given the birth parents' phone number ${id('PHONE', phone())} by mistake.`,
    () => `${k('CAMHS')} said the referral reached them ${k(pick(DURATIONS))} late, on ${id('DATE', exactDate())}.`,
    () => `Her reference on the housing system was ${id('CASE_REF', caseRef())}, which we copied into the ${k('core group')} minutes.`
  ]
  const closing = pick([
    () => `Nobody was hurt, but it could easily have reached the ${k('Family Court')} bundle.`,
    () => 'I think the handover between teams is where this keeps going wrong.',
    () => `My supervisor and I agreed to raise it at the next ${k('Child Protection Conference')} planning session.`,
    () => `It was fixed within ${k(pick(DURATIONS))}, but only by chance.`,
    () => `If the ${k('GP')} had not queried it, the visit would have gone to the wrong house.`
  ])()
  const chosen: string[] = []
  const order = [...middle.keys()].sort(() => random() - 0.5).slice(0, int(2, 4))
  for (const i of order) {
    chosen.push((middle[i] as () => string)())
  }
  const text = [opening, ...chosen, closing].join(' ')
  const unique = new Map(ids.map((identifier) => [`${identifier.type}\u0000${identifier.value}`, identifier]))

  return { id: `uk-synthetic-${pad(index, 4)}`, text, identifiers: [...unique.values()], keep: [...keep] }
}

const samples = Array.from({ length: 500 }, (_, i) => narrative(i + 1))
writeFileSync(
  new URL('./uk-narratives.jsonl', import.meta.url),
  `${samples.map((sample) => JSON.stringify(sample)).join('\n')}\n`
)
const identifiers = samples.reduce((n, sample) => n + sample.identifiers.length, 0)
process.stdout.write(`${samples.length} narratives, ${identifiers} identifiers\n`)
