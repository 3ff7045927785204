/**
 * Running medians over a sorted window: each step removes the value leaving the window and
 * inserts the one entering it, O(kernel) per step instead of a sort per output. These loops run
 * ~60 000 times per STFT frame, so they avoid closures and allocations.
 */

/** Replaces `drop` by `add` in the ascending window `win[base .. base + k)`, keeping it sorted. */
export function replaceSorted(win: Float32Array, base: number, k: number, drop: number, add: number): void {
  let i = base
  const last = base + k - 1
  while (i < last && win[i] !== drop) i++
  if (add > drop) {
    while (i < last && win[i + 1] < add) {
      win[i] = win[i + 1]
      i++
    }
  } else {
    while (i > base && win[i - 1] > add) {
      win[i] = win[i - 1]
      i--
    }
  }
  win[i] = add
}

/**
 * Centred median filter of `x[off .. off + len)` with zero padding (Fitzgerald's filter along
 * frequency), written to `out[outOff ..]`. `win` is scratch of at least `kernel` elements.
 */
export function medianFilter(x: Float32Array, off: number, len: number, kernel: number, out: Float32Array, outOff: number, win: Float32Array): void {
  const h = kernel >> 1
  for (let j = 0; j < kernel; j++) {
    const i = j - h
    win[j] = i >= 0 && i < len ? x[off + i] : 0
  }
  insertionSort(win, kernel)
  const last = kernel - 1
  for (let i = 0; i < len; i++) {
    out[outOff + i] = win[h]
    if (i + 1 === len) break
    const d = i - h
    const a = i + h + 1
    const drop = d >= 0 ? x[off + d] : 0
    const add = a < len ? x[off + a] : 0
    if (drop === add) continue
    let p = 0
    while (p < last && win[p] !== drop) p++
    if (add > drop) {
      while (p < last && win[p + 1] < add) {
        win[p] = win[p + 1]
        p++
      }
    } else {
      while (p > 0 && win[p - 1] > add) {
        win[p] = win[p - 1]
        p--
      }
    }
    win[p] = add
  }
}

/** Sorts the first `n` values ascending in place (n is small: a median window). */
export function insertionSort(a: Float32Array | Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i]
    let j = i - 1
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j]
      j--
    }
    a[j + 1] = v
  }
}

/** Median of the first `n` values of a scratch array (reorders it); 0 when empty. */
export function medianOf(a: Float32Array | Float64Array, n: number): number {
  if (n <= 0) return 0
  insertionSort(a, n)
  return n % 2 ? a[(n - 1) >> 1] : 0.5 * (a[n / 2 - 1] + a[n / 2])
}


const PAIR = new Float32Array(2)
const PAIR_BITS = new Int32Array(PAIR.buffer)

/**
 * Median of ten non-negative float32 values (the mean of the 5th and 6th smallest, as
 * `medianOf`) given as their bit patterns: `bits[rows[i] + m]`. Non-negative floats order like
 * their bits as integers, so a 29-comparator sorting network runs on int32 min/max without
 * branches (float compares mispredict on real data: 3× slower). Exact like a sort. REPET-SIM
 * takes ~1 M of these per 4-minute song with its default k = 10.
 */
export function median10Bits(rows: Int32Array, bits: Int32Array, m: number): number {
  let v0 = bits[rows[0] + m]
  let v1 = bits[rows[1] + m]
  let v2 = bits[rows[2] + m]
  let v3 = bits[rows[3] + m]
  let v4 = bits[rows[4] + m]
  let v5 = bits[rows[5] + m]
  let v6 = bits[rows[6] + m]
  let v7 = bits[rows[7] + m]
  let v8 = bits[rows[8] + m]
  let v9 = bits[rows[9] + m]
  let d = 0
  let s = 0
  d = (v0 - v8) | 0
  s = d >> 31
  v0 = (v8 + (d & s)) | 0
  v8 = (v8 + (d & ~s)) | 0
  d = (v1 - v9) | 0
  s = d >> 31
  v1 = (v9 + (d & s)) | 0
  v9 = (v9 + (d & ~s)) | 0
  d = (v2 - v7) | 0
  s = d >> 31
  v2 = (v7 + (d & s)) | 0
  v7 = (v7 + (d & ~s)) | 0
  d = (v3 - v5) | 0
  s = d >> 31
  v3 = (v5 + (d & s)) | 0
  v5 = (v5 + (d & ~s)) | 0
  d = (v4 - v6) | 0
  s = d >> 31
  v4 = (v6 + (d & s)) | 0
  v6 = (v6 + (d & ~s)) | 0
  d = (v0 - v2) | 0
  s = d >> 31
  v0 = (v2 + (d & s)) | 0
  v2 = (v2 + (d & ~s)) | 0
  d = (v1 - v4) | 0
  s = d >> 31
  v1 = (v4 + (d & s)) | 0
  v4 = (v4 + (d & ~s)) | 0
  d = (v5 - v8) | 0
  s = d >> 31
  v5 = (v8 + (d & s)) | 0
  v8 = (v8 + (d & ~s)) | 0
  d = (v7 - v9) | 0
  s = d >> 31
  v7 = (v9 + (d & s)) | 0
  v9 = (v9 + (d & ~s)) | 0
  d = (v0 - v3) | 0
  s = d >> 31
  v0 = (v3 + (d & s)) | 0
  v3 = (v3 + (d & ~s)) | 0
  d = (v2 - v4) | 0
  s = d >> 31
  v2 = (v4 + (d & s)) | 0
  v4 = (v4 + (d & ~s)) | 0
  d = (v5 - v7) | 0
  s = d >> 31
  v5 = (v7 + (d & s)) | 0
  v7 = (v7 + (d & ~s)) | 0
  d = (v6 - v9) | 0
  s = d >> 31
  v6 = (v9 + (d & s)) | 0
  v9 = (v9 + (d & ~s)) | 0
  d = (v0 - v1) | 0
  s = d >> 31
  v0 = (v1 + (d & s)) | 0
  v1 = (v1 + (d & ~s)) | 0
  d = (v3 - v6) | 0
  s = d >> 31
  v3 = (v6 + (d & s)) | 0
  v6 = (v6 + (d & ~s)) | 0
  d = (v8 - v9) | 0
  s = d >> 31
  v8 = (v9 + (d & s)) | 0
  v9 = (v9 + (d & ~s)) | 0
  d = (v1 - v5) | 0
  s = d >> 31
  v1 = (v5 + (d & s)) | 0
  v5 = (v5 + (d & ~s)) | 0
  d = (v2 - v3) | 0
  s = d >> 31
  v2 = (v3 + (d & s)) | 0
  v3 = (v3 + (d & ~s)) | 0
  d = (v4 - v8) | 0
  s = d >> 31
  v4 = (v8 + (d & s)) | 0
  v8 = (v8 + (d & ~s)) | 0
  d = (v6 - v7) | 0
  s = d >> 31
  v6 = (v7 + (d & s)) | 0
  v7 = (v7 + (d & ~s)) | 0
  d = (v1 - v2) | 0
  s = d >> 31
  v1 = (v2 + (d & s)) | 0
  v2 = (v2 + (d & ~s)) | 0
  d = (v3 - v5) | 0
  s = d >> 31
  v3 = (v5 + (d & s)) | 0
  v5 = (v5 + (d & ~s)) | 0
  d = (v4 - v6) | 0
  s = d >> 31
  v4 = (v6 + (d & s)) | 0
  v6 = (v6 + (d & ~s)) | 0
  d = (v7 - v8) | 0
  s = d >> 31
  v7 = (v8 + (d & s)) | 0
  v8 = (v8 + (d & ~s)) | 0
  d = (v2 - v3) | 0
  s = d >> 31
  v2 = (v3 + (d & s)) | 0
  v3 = (v3 + (d & ~s)) | 0
  d = (v4 - v5) | 0
  s = d >> 31
  v4 = (v5 + (d & s)) | 0
  v5 = (v5 + (d & ~s)) | 0
  d = (v6 - v7) | 0
  s = d >> 31
  v6 = (v7 + (d & s)) | 0
  v7 = (v7 + (d & ~s)) | 0
  d = (v3 - v4) | 0
  s = d >> 31
  v3 = (v4 + (d & s)) | 0
  v4 = (v4 + (d & ~s)) | 0
  d = (v5 - v6) | 0
  s = d >> 31
  v5 = (v6 + (d & s)) | 0
  v6 = (v6 + (d & ~s)) | 0
  PAIR_BITS[0] = v4
  PAIR_BITS[1] = v5
  return 0.5 * (PAIR[0] + PAIR[1])
}
