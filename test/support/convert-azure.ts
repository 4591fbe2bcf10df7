// Dev tool, run by hand: `node_modules/.bin/bun test/support/convert-azure.ts [corpus-dir]`.
// Turns the recorded Azure OpenAI traffic in shared/corpus/azure into NDJSON
// cassettes under recordings/azure/, adds the hand-written Azure scenarios,
// and rewrites the Azure table in recordings/README.md (between its own
// markers, so convert-corpus.ts and this script never overwrite each other).
// No test runs this; its output is committed. It reads shared/corpus only here.
import type { Cassette, Interaction } from "./cassette.ts";
import {
  type Json,
  type Provenance,
  chunks,
  handWritten,
  part,
  payloadLines,
  readGoVcr,
  readPydanticVcr,
  real,
  sseFromDataLines,
  toInteraction,
  writeCassettes,
} from "./convert-shared.ts";

// ---------------------------------------------------------------- notes and docs

const GO_VCR_NOTE =
  "go-vcr stores whole bodies; the SSE body was split into one chunk per event (after each blank-line separator), bytes unchanged. Request headers were reduced upstream to accept/content-type/user-agent; auth headers (api-key) were never recorded. The recorded host was fantasy-playground-resource.openai.azure.com; only the path is kept.";
const PYDANTIC_JSON_NOTE =
  "pydantic-ai stores JSON bodies re-serialised as YAML `parsed_body`; request and response bodies were re-emitted as compact JSON (key order alphabetical, original whitespace lost), one chunk per body. host/content-length/connection/accept-encoding headers dropped. NON-STREAMING: the bridge only streams, so this is used for its request/usage pair (local token count vs usage.prompt_tokens) and its classic deployment URL, not replayed as a stream.";

const AZ_V1 = "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle";
const AZ_REF = "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference";
const AZ_FILTER = "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter";
const AZ_STREAMING = "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-streaming";
const AZ_QUOTA = "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/quota";
const AZ_MODELS = "https://learn.microsoft.com/en-us/rest/api/azureopenai/models/list";
const AZ_DEPLOYMENTS = "https://learn.microsoft.com/en-us/azure/ai-services/openai/tutorials/embeddings";
const AZ_DEPLOYMENTS_API = "https://github.com/openai/openai-python/issues/460";

const AZ = {
  chatText: "azure/fantasy/TestAzureCommon__azure-gpt-5-mini__simple_streaming.yaml",
  chatTool: "azure/fantasy/TestAzureCommon__azure-gpt-5-mini__tool_streaming.yaml",
  chatReasoning: "azure/fantasy/TestAzureThinking__azure-gpt-5-mini__thinking-streaming.yaml",
  respText: "azure/fantasy/TestAzureResponsesCommon__azure-gpt-5-mini__simple_streaming.yaml",
  deploymentUrl: "azure/pydantic-ai/test_azure_provider_call.yaml",
  router: "azure/vercel-ai/azure-model-router.1.chunks.txt",
  respTextVercel: "azure/vercel-ai/azure-text.1.chunks.txt",
  respToolVercel: "azure/vercel-ai/azure-tool-call.1.chunks.txt",
} as const;

const REQUEST_HEADERS = { "content-type": "application/json", "api-key": "<redacted>" };
const JSON_TYPE = "application/json";
const SSE_TYPE = "text/event-stream; charset=utf-8";
const V1_CHAT = "/openai/v1/chat/completions";
const V1_RESPONSES = "/openai/v1/responses";

function azError(code: string, message: string, extra: Json = {}): string {
  return JSON.stringify({ error: { code, message, ...extra } });
}

/** The same interaction on the classic deployment URL (`/openai/deployments/{d}/chat/completions?api-version=`). */
function onDeploymentUrl(it: Interaction, deployment: string, apiVersion: string): Interaction {
  return { ...it, request: { ...it.request, path: `/openai/deployments/${deployment}/chat/completions?api-version=${apiVersion}` } };
}

function azure(): Array<[string, Cassette]> {
  const out: Array<[string, Cassette]> = [];
  const add = (name: string, scenario: string, provenance: Provenance, interactions: Interaction[]) =>
    out.push([`azure/${name}.ndjson`, { scenario: `azure/${name}: ${scenario}`, provenance, interactions }]);

  const chatText = readGoVcr(AZ.chatText).map(toInteraction);
  const chatRequest = chatText[0]!.request;
  const textEvents = chatText[0]!.body;

  add(
    "chat-text",
    "v1 Chat Completions stream (gpt-5-mini deployment): first chunk with empty choices + prompt_filter_results, per-choice content_filter_results, usage chunk with latency_checkpoint",
    real(AZ.chatText, GO_VCR_NOTE),
    chatText,
  );
  add(
    "chat-tool-call",
    "v1 Chat Completions tool call (streamed arguments), then the follow-up turn with the tool result",
    real(AZ.chatTool, GO_VCR_NOTE),
    readGoVcr(AZ.chatTool).map(toInteraction),
  );
  add(
    "chat-reasoning-tool",
    "v1 Chat Completions with reasoning_effort high: reasoning only in usage (no reasoning text on Azure Chat), tool call, then the text turn",
    real(AZ.chatReasoning, GO_VCR_NOTE),
    readGoVcr(AZ.chatReasoning).map(toInteraction),
  );
  add(
    "responses-text",
    "v1 Responses API stream: reasoning item without summary, output text, content_filters on response.completed",
    real(AZ.respText, GO_VCR_NOTE),
    readGoVcr(AZ.respText).map(toInteraction),
  );
  add(
    "chat-deployment-url",
    "classic deployment URL (/openai/deployments/gpt-4o/chat/completions?api-version=2024-12-01-preview), NON-streaming answer with prompt/content filter results; usage.prompt_tokens=14",
    real(AZ.deploymentUrl, PYDANTIC_JSON_NOTE),
    readPydanticVcr(AZ.deploymentUrl).map(toInteraction),
  );

  const router = payloadLines(AZ.router);
  add(
    "chat-model-router",
    "model-router deployment Chat stream: first chunk {choices:[],id:'',model:''} with prompt_filter_results, then the routed model (gpt-5-nano) answers",
    real(
      AZ.router,
      "vercel/ai keeps only each event's data payload; the SSE framing was rebuilt as `data: <payload>` + blank line, one chunk per event, and `data: [DONE]` was appended (vercel/ai strips it; Azure Chat streams end with it, see chat-text). The request side is written by us (a plausible request to a deployment named model-router); the response headers are a minimal content-type.",
      { request_hand_written: true },
    ),
    [
      {
        request: {
          method: "POST",
          path: V1_CHAT,
          headers: REQUEST_HEADERS,
          body: { model: "model-router", messages: [{ role: "user", content: "What is the capital of Denmark?" }], stream: true, stream_options: { include_usage: true } },
        },
        response: { status: 200, headers: { "content-type": SSE_TYPE } },
        body: chunks(...router.map((l) => `data: ${l}\n\n`), "data: [DONE]\n\n"),
      },
    ],
  );

  const responsesFraming =
    "vercel/ai keeps only each event's data payload; the SSE framing was rebuilt as `event: <type>` + `data: <payload>` + blank line (the Responses API names each event by its type), one chunk per event; no [DONE] added. The request side is written by us (the tools are the ones response.created echoes; the prompt is a plausible one); the response headers are a minimal content-type.";
  add(
    "responses-text-gpt-5.1",
    "v1 Responses API text stream from a gpt-5.1 deployment (reasoning effort none), content_filters on response.completed",
    real(AZ.respTextVercel, responsesFraming, { request_hand_written: true }),
    [
      {
        request: {
          method: "POST",
          path: V1_RESPONSES,
          headers: REQUEST_HEADERS,
          body: { model: "gpt-5.1", input: [{ role: "user", content: [{ type: "input_text", text: "Hello" }] }], stream: true },
        },
        response: { status: 200, headers: { "content-type": SSE_TYPE } },
        body: chunks(...sseFromDataLines(payloadLines(AZ.respTextVercel))),
      },
    ],
  );
  add(
    "responses-tool-call",
    "v1 Responses API function call (gpt-5.1 deployment): function_call_arguments.delta/done, completed without text",
    real(AZ.respToolVercel, responsesFraming, { request_hand_written: true }),
    [
      {
        request: {
          method: "POST",
          path: V1_RESPONSES,
          headers: REQUEST_HEADERS,
          body: {
            model: "gpt-5.1",
            input: [{ role: "user", content: [{ type: "input_text", text: "What is the weather in San Francisco?" }] }],
            tools: [
              {
                type: "function",
                name: "weather",
                parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"], additionalProperties: false },
                strict: true,
              },
            ],
            stream: true,
          },
        },
        response: { status: 200, headers: { "content-type": SSE_TYPE } },
        body: chunks(...sseFromDataLines(payloadLines(AZ.respToolVercel))),
      },
    ],
  );

  // ------------------------------------------------------------ hand-written

  add(
    "deployment-not-found-404",
    "the deployment named in the request does not exist -> 404 DeploymentNotFound",
    handWritten(
      [AZ_REF, "https://github.com/MicrosoftDocs/azure-docs/issues/114013", "https://github.com/chatboxai/chatbox/issues/861"],
      "Body verbatim from the cited issues (status 404, ErrorCode DeploymentNotFound); apim-request-id is fake. Request is the chat-text request with model gpt-5-mini-prod (a deployment name that does not exist).",
      [part(AZ.chatText, "request body (model changed)")],
    ),
    [
      {
        request: { ...chatRequest, headers: REQUEST_HEADERS, body: { ...(chatRequest.body as Json), model: "gpt-5-mini-prod" } },
        response: { status: 404, headers: { "content-type": JSON_TYPE, "apim-request-id": "00000000-0000-4000-8000-00000000d404" } },
        body: chunks(
          azError(
            "DeploymentNotFound",
            "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
          ),
        ),
      },
    ],
  );

  add(
    "resource-not-found-404",
    "a path the resource does not serve (wrong endpoint or api version) -> 404 {code:'404', message:'Resource not found'}",
    handWritten(
      [AZ_REF, AZ_V1],
      "The bare 'Resource not found' 404 body Azure gives for a path it does not serve (e.g. a dated api-version on the classic URL that the resource does not know, or an endpoint pasted with an extra path). Request is the chat-text request on the classic deployment URL with api-version 2024-10-21.",
      [part(AZ.chatText, "request body")],
    ),
    [
      {
        request: { method: "POST", path: "/openai/deployments/gpt-5-mini/chat/completions?api-version=2024-10-21", headers: REQUEST_HEADERS, body: chatRequest.body },
        response: { status: 404, headers: { "content-type": JSON_TYPE, "apim-request-id": "00000000-0000-4000-8000-00000000e404" } },
        body: chunks(azError("404", "Resource not found")),
      },
    ],
  );

  add(
    "api-version-400",
    "an api-version the service does not support -> 400 BadRequest 'API version not supported'",
    handWritten(
      [AZ_V1, "https://github.com/hotovo/aider-desk/issues/460", "https://github.com/spring-projects/spring-ai/issues/3873"],
      "Body verbatim from hotovo/aider-desk#460. Request is the chat-text request on the classic deployment URL with api-version 2023-01-01 (never a released version).",
      [part(AZ.chatText, "request body")],
    ),
    [
      {
        request: { method: "POST", path: "/openai/deployments/gpt-5-mini/chat/completions?api-version=2023-01-01", headers: REQUEST_HEADERS, body: chatRequest.body },
        response: { status: 400, headers: { "content-type": JSON_TYPE, "apim-request-id": "00000000-0000-4000-8000-00000000a400" } },
        body: chunks(azError("BadRequest", "API version not supported")),
      },
    ],
  );

  add(
    "api-version-model-400",
    "a model that needs a newer api-version than the one asked for -> 400 BadRequest 'enabled only for api versions 2024-12-01-preview and later'",
    handWritten(
      [AZ_V1, "https://github.com/langchain4j/langchain4j/issues/2636", "https://github.com/egoist/chatwise-releases/issues/258"],
      "Body verbatim from the cited issues (the `{modelName}` placeholder is what Azure really sends). Request: a plausible o3-mini deployment on the classic URL with api-version 2024-10-21.",
      [],
    ),
    [
      {
        request: {
          method: "POST",
          path: "/openai/deployments/o3-mini/chat/completions?api-version=2024-10-21",
          headers: REQUEST_HEADERS,
          body: { model: "o3-mini", messages: [{ role: "user", content: "Say hi in Portuguese" }], stream: true, stream_options: { include_usage: true } },
        },
        response: { status: 400, headers: { "content-type": JSON_TYPE, "apim-request-id": "00000000-0000-4000-8000-00000000b400" } },
        body: chunks(azError("BadRequest", "Model {modelName} is enabled only for api versions 2024-12-01-preview and later")),
      },
    ],
  );

  const filterMessage =
    "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766";
  add(
    "content-filter-400",
    "the prompt is blocked by the content filter -> 400 code content_filter, innererror ResponsibleAIPolicyViolation with the categories that fired",
    handWritten(
      [AZ_FILTER, "https://github.com/microsoft/azurechat/issues/351"],
      "Shape per the content-filtering concept page's prompt-filtered example (error.code content_filter, param prompt, status 400, innererror.code ResponsibleAIPolicyViolation, innererror.content_filter_result per category); message wording from microsoft/azurechat#351. Which categories fired (hate medium, violence high) is invented. Request is the chat-text request with a stand-in user message.",
      [part(AZ.chatText, "request body (user message replaced)")],
    ),
    [
      {
        request: {
          ...chatRequest,
          headers: REQUEST_HEADERS,
          body: {
            ...(chatRequest.body as Json),
            messages: [
              { content: "You are a helpful assistant", role: "system" },
              { content: "<a prompt the filter blocks, elided>", role: "user" },
            ],
          },
        },
        response: { status: 400, headers: { "content-type": JSON_TYPE, "apim-request-id": "00000000-0000-4000-8000-00000000c400" } },
        body: chunks(
          JSON.stringify({
            error: {
              message: filterMessage,
              type: null,
              param: "prompt",
              code: "content_filter",
              status: 400,
              innererror: {
                code: "ResponsibleAIPolicyViolation",
                content_filter_result: {
                  hate: { filtered: true, severity: "medium" },
                  jailbreak: { filtered: false, detected: false },
                  self_harm: { filtered: false, severity: "safe" },
                  sexual: { filtered: false, severity: "safe" },
                  violence: { filtered: true, severity: "high" },
                },
              },
            },
          }),
        ),
      },
    ],
  );

  // The first three real events (prompt annotation, role chunk, "Oi"), then a filtered finish.
  const filteredFinish = {
    choices: [
      {
        content_filter_results: {
          hate: { filtered: false, severity: "safe" },
          self_harm: { filtered: false, severity: "safe" },
          sexual: { filtered: false, severity: "safe" },
          violence: { filtered: true, severity: "medium" },
        },
        delta: {},
        finish_reason: "content_filter",
        index: 0,
        logprobs: null,
      },
    ],
    created: 1782321614,
    id: "chatcmpl-DuLYkWnz0OixBh4yGRX57RgoH5wVP",
    model: "gpt-5-mini-2025-08-07",
    object: "chat.completion.chunk",
    system_fingerprint: null,
    usage: null,
  };
  const filteredUsage = {
    choices: [],
    created: 1782321614,
    id: "chatcmpl-DuLYkWnz0OixBh4yGRX57RgoH5wVP",
    model: "gpt-5-mini-2025-08-07",
    object: "chat.completion.chunk",
    system_fingerprint: null,
    usage: {
      completion_tokens: 70,
      completion_tokens_details: { accepted_prediction_tokens: 0, audio_tokens: 0, reasoning_tokens: 64, rejected_prediction_tokens: 0 },
      prompt_tokens: 19,
      prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
      total_tokens: 89,
    },
  };
  const headOfText = textEvents.slice(0, 3);
  if (!new TextDecoder().decode("chunk" in headOfText[2]! ? headOfText[2].chunk : new Uint8Array()).includes('"content":"Oi"')) {
    throw new Error("chat-text event 3 is not the 'Oi' delta any more");
  }
  add(
    "content-filter-stream",
    "200 stream whose completion is cut by the output filter: finish_reason content_filter with content_filter_results violence filtered:true, then usage and [DONE]",
    handWritten(
      [AZ_FILTER, AZ_STREAMING],
      "The first three events (prompt annotation with empty choices, role chunk, the 'Oi' delta) are the real chat-text events, bytes unchanged. The finish chunk follows the content-filtering page's 'streaming completion filtered' example (finish_reason content_filter, the category that fired with filtered:true) on the recorded chunk's id/model; the usage chunk's numbers (19 prompt, 70 completion incl. 64 reasoning) are invented but consistent.",
      [part(AZ.chatText, "request and the first three body events")],
    ),
    [
      {
        request: chatRequest,
        response: { status: 200, headers: { "content-type": SSE_TYPE } },
        body: [...headOfText, ...chunks(`data: ${JSON.stringify(filteredFinish)}\n\n`, `data: ${JSON.stringify(filteredUsage)}\n\n`, "data: [DONE]\n\n")],
      },
    ],
  );

  add(
    "rate-limit-429-then-success",
    "classic deployment URL (api-version 2024-10-21): 429 with retry-after seconds, then the same request streams the chat-text answer",
    handWritten(
      [AZ_QUOTA, "https://github.com/microsoft/sample-app-aoai-chatGPT/issues/406", "https://github.com/jasonacox/TinyLLM/issues/17"],
      "Interaction 0: body shape ({error:{code:'429', message}}) and wording from the cited issues, operation/version filled in for this request; retry-after: 2 matches 'Please retry after 2 seconds'; x-ratelimit-* values invented. Interaction 1 is the real chat-text stream, its request moved to the classic deployment URL (the recording was made on /openai/v1/; the response bytes do not depend on the URL surface).",
      [part(AZ.chatText, "interaction 1 (whole, path changed) and both request bodies")],
    ),
    [
      {
        request: onDeploymentUrl(chatText[0]!, "gpt-5-mini", "2024-10-21").request,
        response: {
          status: 429,
          headers: {
            "content-type": JSON_TYPE,
            "apim-request-id": "00000000-0000-4000-8000-000000000429",
            "retry-after": "2",
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-remaining-tokens": "0",
          },
        },
        body: chunks(
          azError(
            "429",
            "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 2 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.",
          ),
        ),
      },
      onDeploymentUrl(chatText[0]!, "gpt-5-mini", "2024-10-21"),
    ],
  );

  add(
    "error-401",
    "wrong key (or a key for another resource) -> 401 'Access denied due to invalid subscription key or wrong API endpoint'",
    handWritten(
      [AZ_REF, "https://github.com/SciSharp/BotSharp/issues/386", "https://github.com/microsoft/semantic-kernel/issues/10337"],
      "Body verbatim from the cited issues ({error:{code:'401', message}}); unlike OpenAI, Azure does not echo the key. Request is the chat-text request.",
      [part(AZ.chatText, "request")],
    ),
    [
      {
        request: { ...chatRequest, headers: REQUEST_HEADERS },
        response: { status: 401, headers: { "content-type": JSON_TYPE, "apim-request-id": "00000000-0000-4000-8000-000000000401" } },
        body: chunks(
          azError(
            "401",
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
          ),
        ),
      },
    ],
  );

  const capabilities = (chat: boolean, embeddings = false) => ({ fine_tune: false, inference: true, completion: false, chat_completion: chat, embeddings });
  const model = (id: string, created: number, chat: boolean, embeddings = false) => ({
    status: "succeeded",
    capabilities: capabilities(chat, embeddings),
    lifecycle_status: "generally-available",
    deprecation: { inference: created + 63072000 },
    id,
    created_at: created,
    object: "model",
  });
  const models = {
    data: [
      model("gpt-4o-2024-08-06", 1722902400, true),
      model("gpt-5-mini-2025-08-07", 1754524800, true),
      model("o4-mini-2025-04-16", 1744761600, true),
      model("gpt-4o-2024-11-20", 1732060800, true),
      model("text-embedding-3-small", 1705968000, false, true),
      model("dall-e-3", 1698796800, false),
      model("whisper", 1696118400, false),
    ],
    object: "list",
  };
  add(
    "models",
    "GET /openai/v1/models: the models the resource offers (dated ids, Azure's capabilities/lifecycle fields; chat, embeddings, image and audio models)",
    handWritten(
      [AZ_MODELS, AZ_V1],
      "Item shape per the Models - List REST reference (status, capabilities{fine_tune,inference,completion,chat_completion,embeddings}, lifecycle_status, deprecation, id, created_at, object); that the v1 surface answers in the same shape is an assumption (the API version lifecycle page only says the endpoint exists). Ids are real Azure model versions; timestamps plausible, not recorded.",
      [],
    ),
    [
      {
        request: { method: "GET", path: "/openai/v1/models", headers: { "api-key": "<redacted>" } },
        response: { status: 200, headers: { "content-type": JSON_TYPE, "apim-request-id": "00000000-0000-4000-8000-000000000200" } },
        body: chunks(JSON.stringify(models)),
      },
    ],
  );

  const deployment = (id: string, model: string, created: number, status = "succeeded") => ({
    scale_settings: { scale_type: "standard" },
    model,
    owner: "organization-owner",
    id,
    status,
    created_at: created,
    updated_at: created,
    object: "deployment",
  });
  const deployments = {
    data: [
      deployment("gpt-4o", "gpt-4o", 1722902400),
      deployment("contoso-support-bot", "gpt-5-mini", 1754524800),
      deployment("reasoning", "o4-mini", 1744761600),
      deployment("team-experiment", "gpt-oss-120b", 1756684800),
      deployment("ada-embeddings", "text-embedding-ada-002", 1657572678),
      deployment("gpt-41-rollout", "gpt-4.1", 1757000000, "running"),
    ],
    object: "list",
  };
  const DEPLOYMENTS_PATH = "/openai/deployments?api-version=2023-03-15-preview";
  add(
    "deployments",
    "GET /openai/deployments (data plane, api-version 2023-03-15-preview): the resource's deployments with the model behind each (chat, a custom name, an unknown model, an embeddings deployment, one still deploying)",
    handWritten(
      [AZ_DEPLOYMENTS, AZ_DEPLOYMENTS_API],
      "Shape per the output printed in Microsoft's Azure OpenAI embeddings tutorial for GET /openai/deployments?api-version=2022-12-01 (data[{scale_settings,model,owner,id,status,created_at,updated_at,object:'deployment'}], object:'list'); the route answers up to api-version 2023-03-15-preview and was dropped from 2023-05-15 on (openai-python#460). Deployment names and timestamps are ours; `running` is one of the documented deployment states.",
      [],
    ),
    [
      {
        request: { method: "GET", path: DEPLOYMENTS_PATH, headers: { "api-key": "<redacted>" } },
        response: { status: 200, headers: { "content-type": JSON_TYPE, "apim-request-id": "00000000-0000-4000-8000-000000000201" } },
        body: chunks(JSON.stringify(deployments)),
      },
    ],
  );
  add(
    "deployments-404",
    "GET /openai/deployments answered 404 (a gateway or resource that does not serve the data-plane deployments route)",
    handWritten(
      [AZ_DEPLOYMENTS_API, AZ_REF],
      "Azure's generic 404 body for an unknown route ({error:{code:'404',message:'Resource not found'}}), the same body as resource-not-found-404.",
      [],
    ),
    [
      {
        request: { method: "GET", path: DEPLOYMENTS_PATH, headers: { "api-key": "<redacted>" } },
        response: { status: 404, headers: { "content-type": JSON_TYPE, "apim-request-id": "00000000-0000-4000-8000-000000000404" } },
        body: chunks(azError("404", "Resource not found")),
      },
    ],
  );

  return out;
}

writeCassettes(azure(), "azure-cassettes", "Azure ");
