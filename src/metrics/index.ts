export * from './frameStats.js'
export * from './measureSegment.js'
