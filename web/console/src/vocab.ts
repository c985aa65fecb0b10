// The intake vocabularies, copied rather than imported: importing the server's schemas would bundle zod into the
// console. tests/console/console-build.test.ts checks that these lists equal the server's.
export const EVENT_CLASSES = ['near_miss', 'incident', 'unsafe_condition', 'good_catch']
export const SETTINGS = [
  'front_door',
  'assessment',
  'child_in_need',
  'child_protection',
  'children_in_care',
  'leaving_care',
  'out_of_hours',
  'court',
  'other'
]
