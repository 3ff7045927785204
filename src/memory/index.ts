export * from './shotMemory.js'
export * from './store.js'
