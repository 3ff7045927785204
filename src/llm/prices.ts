/**
 * USD per million tokens for a few known OpenAI models (public list prices; update with the code).
 * Unknown models (local servers, new ids) get no cost: a wrong price is worse than none.
 */
export interface ModelPrice {
  inputPerMTok: number
  outputPerMTok: number
}

export const PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
}

/** Price of a model id; dated snapshots (`gpt-4o-mini-2024-07-18`) map to their base id. */
export function priceOf(model: string): ModelPrice | null {
  if (PRICES[model]) return PRICES[model]!
  const base = model.replace(/-\d{4}-\d{2}-\d{2}$/, '')
  return PRICES[base] ?? null
}

/** Cost in USD of `promptTokens` in and `completionTokens` out; null when the model's price is unknown. */
export function costUsd(model: string, promptTokens: number, completionTokens: number): number | null {
  const p = priceOf(model)
  if (!p) return null
  return (promptTokens * p.inputPerMTok + completionTokens * p.outputPerMTok) / 1e6
}
