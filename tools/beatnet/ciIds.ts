import { buildDevset } from '../devset/build.js'
import { ciTestSubset } from '../devset/subset.js'

/** Ids of the test split's CI subset (tests/analysis-accuracy.test.ts), planned without rendering anew (renders are cached). */
export async function ciIds(_manifest: string): Promise<Set<string>> {
  const m = await buildDevset({ splits: ['test'], fetch: false, write: false, select: ciTestSubset() })
  return new Set(m.items.map((i) => i.id))
}
