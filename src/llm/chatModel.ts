/**
 * The LangChain side of the LLM client (client.ts), loaded only when a model is first asked:
 * LangChain and the OpenAI SDK are about 500 modules.
 */
import { ChatOpenAICompletions, wrapOpenAIClientError, type OpenAIClient } from '@langchain/openai'
import type { LlmConfig } from './types.js'

export { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages'

/**
 * ChatOpenAI's chat-completions model, except that json_schema answers go through `create` rather
 * than the SDK's `parse`: `parse` throws on malformed JSON and drops the raw text and token usage,
 * which the repair loop and the accounting need.
 */
export class RawCompletions extends ChatOpenAICompletions {
  override async completionWithRetry(request: never, requestOptions?: OpenAIClient.RequestOptions): Promise<never> {
    const req = request as OpenAIClient.Chat.ChatCompletionCreateParams
    if (req.stream || req.response_format?.type !== 'json_schema') return (await super.completionWithRetry(request, requestOptions)) as never
    const { maxRetries, ...sdkOptions } = (requestOptions ?? {}) as OpenAIClient.RequestOptions & { maxRetries?: number }
    const clientOptions = this._getClientOptions(sdkOptions)
    return this.caller.callWithOptions({ maxRetries }, async () => {
      try {
        return (await this.client.chat.completions.create(req as OpenAIClient.Chat.ChatCompletionCreateParamsNonStreaming, clientOptions)) as never
      } catch (e) {
        throw wrapOpenAIClientError(e)
      }
    })
  }
}

/** The chat model of `cfg`: its retries are the client's own (maxRetries 0 here). */
export function chatModel(cfg: LlmConfig): RawCompletions {
  return new RawCompletions({
    model: cfg.model,
    // Local servers need no key, but the SDK refuses to start without one.
    apiKey: cfg.apiKey ?? 'no-key',
    configuration: cfg.baseURL ? { baseURL: cfg.baseURL } : {},
    timeout: cfg.timeoutMs,
    maxRetries: 0,
    ...(cfg.temperature !== undefined ? { temperature: cfg.temperature } : {}),
  })
}
