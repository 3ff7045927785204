/** The output folder: can it be written, may this command write it, who is writing it now. */
export { checkOutputFolder } from './writable.js'
export { asWriteError } from './writeErrors.js'
export { guardOutputFolder, outputsOf, type Command, type OutputFile } from './guards.js'
export { lockOutputFolder, type FolderLock } from './lock.js'
export { readRunRecord, RunInfo } from './runRecord.js'
