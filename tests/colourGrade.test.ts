import { describe, expect, it } from 'vitest'
import { fitColourGrade, gradeResidual, isVeil } from '../src/metrics/colourGrade.js'

/** Cell RGB of a 8×5 grid from a seeded generator. */
function cells(seed: number, n = 40): Float32Array {
  let a = seed
  const next = () => ((a = (a * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24
  return Float32Array.from({ length: n * 3 }, () => 20 + next() * 200)
}

describe('fitColourGrade', () => {
  it('recovers a beat flash toward white (gain 0.85, offset 0.15 × white) with a third of the cells changed by motion', () => {
    const a = cells(1)
    const b = a.map((v, i) => 0.85 * v + 0.15 * [255, 250, 240][i % 3])
    // A moving arm: 13 cells of 40 show something else.
    const moved = cells(99)
    for (let c = 0; c < 13; c++) for (let k = 0; k < 3; k++) b[c * 3 + k] = moved[c * 3 + k]
    const g = fitColourGrade(a, b)
    for (let k = 0; k < 3; k++) {
      expect(g.gain[k]).toBeCloseTo(0.85, 2)
      expect(g.offset[k]).toBeCloseTo(0.15 * [255, 250, 240][k], 0)
    }
    expect(gradeResidual(a, 20 * 3, b, 20 * 3, g)).toBeLessThan(0.5)
    expect(gradeResidual(a, 0, b, 0, g)).toBeGreaterThan(5)
  })

  it('does not explain a fade to black (gains stay ≥ 0.5) nor a reshuffle of colours', () => {
    const a = cells(2)
    const dark = a.map((v) => v * 0.05)
    const fade = fitColourGrade(a, dark)
    expect(Math.min(...fade.gain)).toBeGreaterThanOrEqual(0.5)
    // Half the cells stay far from the graded picture (a fade is a change; gain pulses are judged elsewhere).
    const far = Array.from({ length: 40 }, (_, c) => gradeResidual(a, c * 3, dark, c * 3, fade)).filter((r) => r > 20).length
    expect(far).toBeGreaterThan(20)
    // Another scene: colours of other cells, not a grade of these.
    const other = cells(3)
    const g = fitColourGrade(a, other)
    const bad = Array.from({ length: 40 }, (_, c) => gradeResidual(a, c * 3, other, c * 3, g)).filter((r) => r > 20).length
    expect(bad).toBeGreaterThan(30)
  })
})

describe('isVeil', () => {
  it('is true for a flash toward white laid on or lifted, false for a jump between two flat colours', () => {
    const a = cells(4)
    const flashed = a.map((v, i) => 0.8 * v + 0.2 * [255, 250, 240][i % 3])
    expect(isVeil(fitColourGrade(a, flashed))).toBe(true)
    expect(isVeil(fitColourGrade(flashed, a))).toBe(true)
    // Flat grey to flat red (grain only): gain 1, offsets of +80, −90, −80.
    const grey = Float32Array.from({ length: 120 }, (_, i) => 120 + ((i * 7) % 5) - 2)
    const red = grey.map((v, i) => v + [80, -90, -80][i % 3])
    expect(isVeil(fitColourGrade(grey, red))).toBe(false)
    // Another scene is no veil either.
    expect(isVeil(fitColourGrade(a, cells(5)))).toBe(false)
  })
})
