/** Model-backed director and planner; both fall back to a heuristic agent when the model fails. */
export { createLlmDirector, treatmentFromProposal, directorPrompt, TreatmentProposal, type LlmAgentOptions } from './director.js'
export { createLlmPlanner, planFromProposal, plannerPrompt, repairCuts, PlanProposal, ShotProposal, PROMPT_MAX, type RepairedPlan } from './planner.js'
export { analysisSummary, briefJson, sanitizeText, type AgentLog } from './summary.js'
