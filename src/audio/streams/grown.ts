/**
 * A copy of `a` with room for `length` values, the first `a.length` kept and the rest 0: the
 * streaming stores (spectral pass, HPSS parts) grow by it when a song outlasts their hint.
 */
export function grown<T extends Float32Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length)
  b.set(a.length > length ? a.subarray(0, length) : a)
  return b
}
