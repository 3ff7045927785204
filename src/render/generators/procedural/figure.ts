/** The figure lives in ./figure/ (one file per kind, plus actions); this keeps the old import path working. */
export * from './figure/index.js'
