export { learnedActivations, type BeatActivations, type LearnedActivationOptions, type LearnedActivationsFn } from './activations.js'
export { BeatModelError, type BeatModelErrorCode } from './errors.js'
export { FEATURE_PARAMS, featureFps, featureFrames, logMelFeatures, type FeatureParams } from './features.js'
export { BeatModelMeta, defaultBeatModelPath, loadBeatModel, metaPathOf, type BeatModel } from './model.js'
