import type { Candidate } from './types.js'

/**
 * Issue 17 item 3: names in scripts without letter case (Arabic and Urdu, Devanagari, Bengali, Gurmukhi, Chinese…)
 * give the name rules nothing to go on — no capital, and no word list of ours covers them. Every one is a community
 * language of English caseloads, and a reviewer cannot tell a name from a word in them either, so a run of such
 * letters is redacted as a possible name unless it is on the small kept list below. Words in a row become one
 * [NAME] ("محمد علي" is one person). What this costs: a sentence in one of these scripts reaches reviewers as
 * [NAME]; the kept list holds only greetings and courtesy words a report may quote, never anything used as a name.
 */

// Letters of caseless scripts, with the combining marks (vowel signs, viramas, harakat) written inside their words.
const SCRIPT_LETTER =
  '\\p{Script=Arabic}\\p{Script=Hebrew}\\p{Script=Syriac}\\p{Script=Thaana}\\p{Script=Devanagari}\\p{Script=Bengali}' +
  '\\p{Script=Gurmukhi}\\p{Script=Gujarati}\\p{Script=Oriya}\\p{Script=Tamil}\\p{Script=Telugu}\\p{Script=Kannada}' +
  '\\p{Script=Malayalam}\\p{Script=Sinhala}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Tibetan}\\p{Script=Myanmar}' +
  '\\p{Script=Khmer}\\p{Script=Ethiopic}\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}' +
  '\\p{Script=Georgian}'
// A word: letters of those scripts and the marks inside them (harakat are of no script), the long-vowel mark and the
// middle dots of Japanese and Chinese transcribed names. Joiners are gone already: normalise.ts strips them.
const RUN = new RegExp(`[${SCRIPT_LETTER}][${SCRIPT_LETTER}\\p{M}\\u30fc\\u00b7\\u30fb]*`, 'gu')
// Only spaces between words of one name: a comma, full stop or line break ends it.
const SPACE_BETWEEN = /^[ \t\u00a0]{1,3}$/

/**
 * Kept: greetings and courtesy words, as quoted in reports ("Mum said 'شكرا'"). Each is a common word that is
 * not a given name in its language (so not "سلام": Salam is one); kept whole only (a longer run containing one is
 * still redacted).
 */
export const KEPT_SCRIPT_WORDS: ReadonlySet<string> = new Set(
  [
    // Arabic
    'السلام عليكم', 'مرحبا', 'شكرا', 'نعم', 'لا', 'من فضلك',
    // Urdu and Persian
    'شکریہ', 'جی', 'ہاں', 'نہیں', 'خدا حافظ', 'ممنون', 'بله', 'خیر',
    // Hindi (Devanagari)
    'नमस्ते', 'धन्यवाद', 'हाँ', 'नहीं',
    // Bengali
    'নমস্কার', 'ধন্যবাদ', 'হ্যাঁ', 'না',
    // Punjabi (Gurmukhi)
    'ਸਤ ਸ੍ਰੀ ਅਕਾਲ', 'ਧੰਨਵਾਦ', 'ਹਾਂ', 'ਨਹੀਂ',
    // Chinese
    '你好', '谢谢', '是', '不是', '对不起'
  ].map((word) => word.normalize('NFKC'))
)

export const scriptNames = (text: string): Candidate[] => {
  const runs = [...text.matchAll(RUN)].map((match) => {
    const start = match.index ?? 0
    return { start, end: start + match[0].length }
  })
  // Words in a row, separated only by spaces: a phrase, kept whole if on the list, otherwise one [NAME] for each
  // stretch of words not on the list.
  const found: Candidate[] = []
  let index = 0
  while (index < runs.length) {
    let last = index
    while (
      last + 1 < runs.length &&
      SPACE_BETWEEN.test(text.slice((runs[last] as { end: number }).end, (runs[last + 1] as { start: number }).start))
    ) {
      last++
    }
    const phrase = runs.slice(index, last + 1)
    const whole = text.slice((phrase[0] as { start: number }).start, (phrase.at(-1) as { end: number }).end)
    if (!KEPT_SCRIPT_WORDS.has(whole)) {
      let open: { start: number; end: number } | undefined
      for (const run of phrase) {
        if (KEPT_SCRIPT_WORDS.has(text.slice(run.start, run.end))) {
          if (open) found.push({ type: 'NAME', ...open, priority: 40 })
          open = undefined
        } else {
          open = open ? { start: open.start, end: run.end } : { ...run }
        }
      }
      if (open) found.push({ type: 'NAME', ...open, priority: 40 })
    }
    index = last + 1
  }
  return found
}
