export * from './types.js'
export * from './heuristic.js'
