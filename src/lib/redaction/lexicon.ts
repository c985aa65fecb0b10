import { readFileSync } from 'node:fs'

/**
 * Word lists for the name recogniser, built by scripts/build-redaction-data.ts and read once per process.
 * Everything is lower case.
 */

const load = (file: string): Set<string> =>
  new Set(
    readFileSync(new URL(`./data/${file}`, import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
  )

export const FIRST_NAMES = load('first-names.txt')
export const SURNAMES = load('surnames.txt')
export const ENGLISH_WORDS = load('english-words.txt')
/** The most frequent English words (SCOWL 10–20): never taken for a surname after a first name. */
export const COMMON_WORDS = load('common-words.txt')
/** Towns, districts, regions and countries (GeoNames, countries-list); one lower-case name or phrase a line. */
export const PLACES = load('places.txt')

const words = (text: string) => new Set(text.trim().split(/\s+/))

/**
 * Proper nouns that are not identifiers: calendar words, the UK's nations, nationalities and faiths, national
 * bodies and the service's own words. Other countries are places (GPE): a family's country of origin can point
 * to them in a small area, so "moved from Romania" is redacted while "Romanian" is kept.
 */
export const KEEP_PROPER = words(`
  monday tuesday wednesday thursday friday saturday sunday
  january february march april may june july august september october november december
  christmas easter ramadan eid diwali hanukkah
  england scotland wales ireland britain uk gb europe european english scottish welsh irish british
  africa asia
  polish romanian lithuanian ukrainian turkish pakistani indian bangladeshi nigerian ghanaian somali eritrean
  syrian afghan iraqi iranian albanian jamaican chinese vietnamese african asian caribbean muslim christian
  hindu sikh jewish catholic
  nhs dfe ofsted cafcass nspcc barnardo's barnardos childline camhs cqc hmrc dwp home office police
  mosaic liquidlogic eclipse azeus carefirst paris framework i-assessment
  facebook whatsapp snapchat instagram tiktok youtube google zoom skype covid coronavirus tesco asda aldi lidl
  amazon uber netflix xbox playstation iphone ipad twitter messenger
  nino mash lado plo icpc rcpc cin cp cla lac ehcp senco dsl iro marac mappa sgo epo ico isw gp a&e ae
  s47 s17 s20 s31 s37 pla lsb lscp cspr scr dbs pnc ppn ccr mfh cse cce fgm dva dvra dash
  edt yot cme mace ehc send sen pep tac caf fgc sdq iro camhs ssw sw hv fc yp dv asb ooh cpp cpr iro lac
  handover
  section children act court family magistrates tribunal conference strategy core group
  mum mam mom mummy dad daddy nan nana nanna gran granny grandma grandad grandpa aunt auntie uncle
  social worker team manager manager practitioner lead admin info paperwork whatsapp email emails inbox voicemail
  teams outlook sharepoint ipad laptop
`)

/** Words before a person's name that make a following capitalised word a name: "Mrs", "mum", "social worker". */
export const TITLES = words('mr mrs ms miss mx dr prof sir dame lady lord rev fr sr cllr')

export const PERSON_CUES = words(`
  mum mam mom mother dad father stepdad stepfather stepmum stepmother partner boyfriend girlfriend husband wife
  ex brother sister sibling son daughter baby child children kid cousin aunt auntie uncle nan gran grandma grandad
  grandmother grandfather carer foster guardian worker colleague manager student teacher head headteacher
  nurse midwife visitor officer inspector detective pc ds dc sgt sergeant constable called named surname
  nicknamed
`)

/** Words after which a capitalised word is more likely a place than a person. */
export const PLACE_CUES = words('in at near from around outside inside within towards into opposite behind past via')
