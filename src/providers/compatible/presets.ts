/**
 * The OpenAI-compatible services and local servers we know, one data entry
 * each: base URL, key variables, whether a key is required, dialects and
 * compatibility flags, each fact with its source. A new service is one entry
 * here plus a cassette (README "How to add a provider").
 *
 * A preset's flags start from its class's defaults (HOSTED_FLAGS for a
 * service, GENERIC_FLAGS for a server on the user's machine); every flag it
 * sets otherwise names its source in `sources` (checked by
 * test/providers/compatible-presets.test.ts). Local servers listen on
 * 127.0.0.1 rather than `localhost`, which may resolve to ::1 first while
 * these servers listen on IPv4 only (llama-server `--host` 127.0.0.1, vLLM
 * 0.0.0.0, Ollama 127.0.0.1:11434: ollama envconfig `Host()`).
 *
 * Key letters: [PI] badlogic/pi-mono packages/ai (`detectCompat` in
 * src/providers/openai-completions.ts; models.generated.ts; README); [VAI]
 * vercel/ai packages/<provider>/src/<provider>-provider.ts.
 */
import { type CompatFlags, type FlagName, GENERIC_FLAGS } from "./flags.ts";
import type { CompatibleSpec } from "./spec.ts";

export interface Preset extends CompatibleSpec {
  /** Where each fact comes from: the base URL, the key variables, other dialects, and every flag set otherwise than its class default. */
  sources: Partial<Record<"base_url" | "key_env" | "dialects" | FlagName, string>>;
}

/** A hosted service's defaults: the OpenAI API's own fields. */
export const HOSTED_FLAGS: CompatFlags = {
  max_tokens_field: "max_completion_tokens",
  stream_usage: true,
  system_role: "system",
  reasoning_field: "reasoning_content",
  reasoning_param: "reasoning_effort",
  reasoning_hand_back: "none",
  tool_call_index: "index",
  usage_cost: false,
};

/** Why the class defaults are what they are. */
export const DEFAULT_SOURCES: Record<FlagName, string> = {
  max_tokens_field:
    "hosted: max_completion_tokens, the OpenAI spec's field (max_tokens is deprecated there; pi-mono sends it to every host but a few); local: max_tokens, which every compatible server reads (ollama/ollama#7125, ggml-org/llama.cpp#13700)",
  stream_usage: "stream_options.include_usage: usage never arrives in an OpenAI-style stream without it",
  system_role: "system: accepted everywhere; developer is refused by xAI, DeepSeek, Cerebras and Mistral [PI detectCompat supportsDeveloperRole]",
  reasoning_field:
    "reasoning_content (DeepSeek, xAI, llama.cpp); the mapper reads reasoning, reasoning_text and reasoning_details too when it is absent (vercel/ai#7866: some gpt-oss hosts send reasoning)",
  reasoning_param: "reasoning_effort, the OpenAI Chat Completions parameter",
  reasoning_hand_back: "none: the OpenAI Chat Completions spec has no field for reasoning in an assistant message, and a strict server may refuse one it does not know",
  tool_call_index: "hosted: index, as the spec says; local: by_id, since Ollama reuses index 0 for parallel calls (ollama/ollama#15457) and the id is right everywhere",
  usage_cost: "false: the OpenAI Chat Completions usage object has token counts only",
};

const HOSTED = { key_required: true, key_store: true, local: false, dialects: ["chat"] } as const;
const LOCAL = { key_required: false, key_store: true, local: true, dialects: ["chat"] } as const;

export const PRESETS: readonly Preset[] = [
  {
    id: "openrouter",
    name: "OpenRouter",
    base_url: "https://openrouter.ai/api/v1",
    base_url_env: ["OPENROUTER_BASE_URL"],
    key_env: ["OPENROUTER_API_KEY"],
    ...HOSTED,
    flags: {
      ...HOSTED_FLAGS,
      max_tokens_field: "max_tokens",
      reasoning_field: "reasoning_details",
      reasoning_param: "reasoning",
      reasoning_hand_back: "reasoning_details",
      usage_cost: true,
    },
    sources: {
      base_url: "[PI models.generated.ts]; shared provider facts §7",
      key_env: "issue 14; [PI] and the AI SDK's OpenRouter provider read OPENROUTER_API_KEY",
      max_tokens_field:
        "OpenRouter API reference, request parameters: max_tokens (openrouter.ai/docs/api-reference/parameters, not re-checked); recorded: charmbracelet/fantasy TestOpenRouterCommon/glm/tool_streaming.yaml sends max_tokens, 200",
      reasoning_field:
        "OpenRouter reasoning-tokens docs: reasoning_details with reasoning.text / reasoning.summary / reasoning.encrypted entries; recorded: every fantasy OpenRouter stream that reasons carries reasoning_details beside a plain reasoning string of the same text (recordings/openrouter/reasoning-tool.ndjson)",
      reasoning_param:
        "recorded: pydantic-ai test_openrouter_thinking_high_emits_effort_high.yaml and fantasy TestOpenRouterThinking/anthropic send reasoning: {effort}, and reasoning comes back",
      reasoning_hand_back:
        'OpenRouter reasoning-tokens docs, "Preserving reasoning blocks": reasoning_details go back on the assistant message (openrouter.ai/docs/use-cases/reasoning-tokens, not re-checked)',
      usage_cost:
        'OpenRouter usage accounting (openrouter.ai/docs/use-cases/usage-accounting): usage.cost is "the total amount charged to your account", cost_details.upstream_inference_cost what the upstream provider charged; recorded: every OpenRouter stream in recordings/openrouter carries cost with upstream_inference_prompt_cost + upstream_inference_completions_cost summing to it (text.ndjson: 0.0000038 + 0.00000875 = 0.00001255)',
    },
  },
  {
    id: "groq",
    name: "Groq",
    base_url: "https://api.groq.com/openai/v1",
    base_url_env: ["GROQ_BASE_URL"],
    key_env: ["GROQ_API_KEY"],
    ...HOSTED,
    flags: { ...HOSTED_FLAGS, reasoning_field: "reasoning" },
    sources: {
      base_url: "[VAI packages/groq/src/groq-provider.ts]; recorded: charmbracelet/fantasy TestOpenAICompatibleCommon/groq-kimi-k2 (api.groq.com/openai/v1/chat/completions)",
      key_env: "issue 14; [VAI groq-provider.ts] GROQ_API_KEY",
      reasoning_field:
        "recorded: pydantic-ai test_groq_model_thinking_part_iter.yaml and test_tool_use_failed_error_streaming.yaml stream delta.reasoning (reasoning_format parsed; gpt-oss by default)",
    },
  },
  {
    id: "xai",
    name: "xAI",
    base_url: "https://api.x.ai/v1",
    base_url_env: ["XAI_BASE_URL"],
    key_env: ["XAI_API_KEY"],
    ...HOSTED,
    flags: { ...HOSTED_FLAGS },
    sources: {
      base_url: "[VAI packages/xai/src/xai-provider.ts]; recorded: fantasy TestOpenAICompatibleCommon/xai-grok-code-fast (api.x.ai/v1/chat/completions)",
      key_env: "issue 14; [VAI xai-provider.ts] XAI_API_KEY",
    },
  },
  {
    id: "deepseek",
    name: "DeepSeek",
    base_url: "https://api.deepseek.com",
    base_url_env: ["DEEPSEEK_BASE_URL"],
    key_env: ["DEEPSEEK_API_KEY"],
    ...HOSTED,
    dialects: ["chat", "responses"],
    flags: { ...HOSTED_FLAGS, max_tokens_field: "max_tokens", reasoning_hand_back: "reasoning_content" },
    sources: {
      base_url: "[VAI packages/deepseek/src/deepseek-provider.ts]",
      reasoning_hand_back:
        'in thinking mode a tool loop\'s assistant turn without its reasoning_content gets 400 "Missing `reasoning_content` field" (issue text: continuedev/continue#11285, earendil-works/pi#3636, openai/openai-agents-js#791); [VAI packages/deepseek/src/chat/convert-to-deepseek-chat-messages.ts] sends it',
      key_env: "issue 14; [VAI deepseek-provider.ts] DEEPSEEK_API_KEY",
      dialects: "recorded: pydantic-ai test_deepseek_responses[text_stream].yaml streams from api.deepseek.com/responses (reasoning_text and output_text events)",
      max_tokens_field: "DeepSeek API reference, create chat completion: max_tokens (api-docs.deepseek.com; max_completion_tokens is not listed; not re-checked)",
    },
  },
  {
    id: "mistral",
    name: "Mistral",
    base_url: "https://api.mistral.ai/v1",
    base_url_env: ["MISTRAL_BASE_URL"],
    key_env: ["MISTRAL_API_KEY"],
    ...HOSTED,
    flags: { ...HOSTED_FLAGS, max_tokens_field: "max_tokens", stream_usage: false },
    sources: {
      base_url: "[VAI packages/mistral/src/mistral-provider.ts]; recorded: pydantic-ai test_mistral_model_thinking_part_iter.yaml",
      key_env: "issue 14; [VAI mistral-provider.ts] MISTRAL_API_KEY",
      max_tokens_field: "422 extra_forbidden for body.max_completion_tokens (editor-code-assistant/eca#231); [PI detectCompatFromUrl] uses max_tokens for mistral.ai",
      stream_usage:
        "422 extra_forbidden for body.stream_options.include_usage (dnakov/anon-kode#53); the recorded stream ends with usage unasked (recordings/mistral/thinking-text.ndjson)",
    },
  },
  {
    id: "together",
    name: "Together AI",
    base_url: "https://api.together.xyz/v1",
    base_url_env: ["TOGETHER_BASE_URL"],
    key_env: ["TOGETHER_API_KEY", "TOGETHER_AI_API_KEY"],
    ...HOSTED,
    flags: { ...HOSTED_FLAGS, max_tokens_field: "max_tokens", reasoning_field: "reasoning" },
    sources: {
      base_url: "[VAI packages/togetherai/src/togetherai-provider.ts]",
      key_env: "issue 14 (TOGETHER_API_KEY, Together's own SDKs); the AI SDK reads TOGETHER_AI_API_KEY [VAI togetherai-provider.ts]",
      max_tokens_field: "Together API reference, chat completions: max_tokens (docs.together.ai; unverified: not re-checked)",
      reasoning_field: "Together's reasoning models stream delta.reasoning (docs.together.ai reasoning guide; unverified: not re-checked; the other fields are read too)",
    },
  },
  {
    id: "fireworks",
    name: "Fireworks AI",
    base_url: "https://api.fireworks.ai/inference/v1",
    base_url_env: ["FIREWORKS_BASE_URL"],
    key_env: ["FIREWORKS_API_KEY"],
    ...HOSTED,
    flags: { ...HOSTED_FLAGS, max_tokens_field: "max_tokens" },
    sources: {
      base_url: "[VAI packages/fireworks/src/fireworks-provider.ts]",
      key_env: "issue 14; [VAI fireworks-provider.ts] FIREWORKS_API_KEY",
      max_tokens_field: "Fireworks API reference, chat completions: max_tokens (docs.fireworks.ai; unverified: not re-checked)",
    },
  },
  {
    id: "cerebras",
    name: "Cerebras",
    base_url: "https://api.cerebras.ai/v1",
    base_url_env: ["CEREBRAS_BASE_URL"],
    key_env: ["CEREBRAS_API_KEY"],
    ...HOSTED,
    flags: { ...HOSTED_FLAGS, reasoning_field: "reasoning" },
    sources: {
      base_url: "[VAI packages/cerebras/src/cerebras-provider.ts]; recorded: pydantic-ai test_openai_model_cerebras_provider_*.yaml (api.cerebras.ai/v1/chat/completions)",
      key_env: "issue 14; [VAI cerebras-provider.ts] CEREBRAS_API_KEY",
      reasoning_field: "recorded: pydantic-ai test_reasoning_wire_contract[cerebras-gpt-oss-always-on].yaml answers message.reasoning",
    },
  },
  {
    id: "ollama",
    name: "Ollama",
    base_url: "http://127.0.0.1:11434/v1",
    base_url_env: ["OLLAMA_BASE_URL", "OLLAMA_HOST"],
    key_env: [],
    ...LOCAL,
    flags: { ...GENERIC_FLAGS, reasoning_field: "reasoning" },
    sources: {
      base_url: "[PI packages/ai/README.md] localhost:11434/v1; OLLAMA_HOST read as ollama envconfig/config.go Host() reads it (default 127.0.0.1:11434)",
      key_env: "none: Ollama takes no key (a proxy in front may; pass params.credentials.api_key)",
      reasoning_field: "Ollama's OpenAI-compatible API streams thinking as delta.reasoning (ollama docs/openai.md; unverified: not re-checked; reasoning_content is read too)",
    },
  },
  {
    id: "lmstudio",
    name: "LM Studio",
    base_url: "http://127.0.0.1:1234/v1",
    base_url_env: ["LMSTUDIO_BASE_URL"],
    key_env: [],
    ...LOCAL,
    flags: { ...GENERIC_FLAGS },
    sources: {
      base_url: "LM Studio docs, OpenAI compatibility endpoints: localhost:1234/v1 (unverified: not re-checked)",
      key_env: "none: LM Studio's server takes no key by default",
    },
  },
  {
    id: "vllm",
    name: "vLLM",
    base_url: "http://127.0.0.1:8000/v1",
    base_url_env: ["VLLM_BASE_URL"],
    key_env: ["VLLM_API_KEY"],
    ...LOCAL,
    flags: { ...GENERIC_FLAGS, max_tokens_field: "max_completion_tokens", reasoning_field: "reasoning" },
    sources: {
      base_url: "[PI packages/pods/README.md] port 8000, /v1",
      key_env: "VLLM_API_KEY: the key `vllm serve --api-key` defaults to (vLLM docs, serve CLI; unverified: not re-checked); none by default",
      max_tokens_field: "vllm-project/vllm#9845: max_completion_tokens read since PR #9837 (2024-10), max_tokens deprecated with a warning",
      reasoning_field: "newer vLLM streams delta.reasoning, older reasoning_content (vercel/ai#7866, quoted in [VAI openai-compatible-chat-language-model.ts]); both are read",
    },
  },
  {
    id: "llamacpp",
    name: "llama.cpp",
    base_url: "http://127.0.0.1:8080/v1",
    base_url_env: ["LLAMACPP_BASE_URL"],
    key_env: ["LLAMA_API_KEY"],
    ...LOCAL,
    flags: { ...GENERIC_FLAGS },
    sources: {
      base_url:
        "llama-server's default --host 127.0.0.1 --port 8080 (shared provider facts §7, unverified there); recorded: fantasy TestOpenAICompatibleCommon/llama-cpp-gpt-oss called http://localhost:8080/v1/chat/completions",
      key_env: "LLAMA_API_KEY: llama-server's --api-key environment variable (tools/server/README.md; unverified: not re-checked); none by default",
    },
  },
];
