/** The procedural renderer's worlds live in worlds/ (one file per family); this keeps the old import path. */
export { buildWorld, type World } from './worlds/index.js'
