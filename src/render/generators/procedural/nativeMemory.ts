/**
 * Turns off transparent huge pages for the canvas library's allocator (mimalloc inside
 * @napi-rs/canvas), unless the caller set MIMALLOC_ALLOW_THP. Skia allocates and frees about a
 * frame's worth of pixels on every readback; with huge pages each of those is faulted back in
 * 2 MiB at a time and zeroed by the kernel, which measured ~5 ms of system CPU per 720p frame
 * (20-25 % of drawing). mimalloc reads the option once, when the library is loaded, so this
 * module must be evaluated before the first module that imports @napi-rs/canvas: the package
 * entry (src/index.ts) re-exports it first for that reason.
 */
const KEY = 'MIMALLOC_ALLOW_THP'
if (process.env[KEY] === undefined) process.env[KEY] = '0'

/** The setting the canvas library saw at load ('0' = huge pages off), for logs and tests. */
export const CANVAS_ALLOW_THP: string = process.env[KEY] ?? '0'
