/** Agents: the director and planner interfaces and their embedded heuristic implementations. */
export {
  DirectorInput,
  InvariantError,
  PlannerInput,
  PlanOutput,
  type AgentContext,
  type Director,
  type Planner,
} from './types.js'
export { createHeuristicDirector, heuristicTreatment, assertTreatmentInvariants } from './director/index.js'
export { createHeuristicPlanner, heuristicPlan, assertPlanInvariants, type PlanCheckOptions } from './planner/index.js'
export { fillPrompt, loadPrompt, packageRoot, promptVariables, type PromptName } from './prompts.js'
