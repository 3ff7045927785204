import type { generate } from '../steps/generate.js'
import type { judge } from '../steps/judge.js'
import type { verify } from '../steps/verify.js'

/** What the shot machine calls: these steps in-process, or jobs on a queue with `render --queue`. */
export interface ShotSteps {
  generate: typeof generate
  verify: typeof verify
  judge: typeof judge
}
