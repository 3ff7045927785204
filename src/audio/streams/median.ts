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
