// Part of the calibration tooling (collect.ts): a recorded provider request
// body back to the ChatParams count_tokens would have received for it.
// Requests with content our wire cannot carry (documents, audio, server-side
// tools, cached-content references) are refused with Unsupported.
import type { ChatParams, ContentPart, Message, ToolDefinition } from "../../../src/protocol/chat.ts";

export type Dialect = "anthropic" | "chat" | "responses" | "gemini" | "converse";

export class Unsupported extends Error {}

type Json = Record<string, unknown>;

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

let images = false;

/** Image bytes are not kept: their length stands in (image counting is not calibrated here). */
function image(mediaType: unknown, data: unknown): ContentPart {
  images = true;
  return { type: "image", media_type: str(mediaType) || "image/png", data: `<${str(data).length} base64 chars dropped>` };
}

function tool(name: unknown, description: unknown, parameters: unknown, strict?: unknown): ToolDefinition {
  const t: ToolDefinition = { name: str(name), parameters: (parameters ?? { type: "object", properties: {} }) as Record<string, unknown> };
  if (typeof description === "string") t.description = description;
  if (strict === true) t.strict = true;
  return t;
}

export function toChatParams(dialect: Dialect, body: Json, model: string): { params: ChatParams; hasImages: boolean } {
  images = false;
  const params = READERS[dialect](body, model);
  if (params.tools !== undefined && params.tools.length === 0) delete params.tools;
  const reasoning = reasoningOf(body);
  if (reasoning !== undefined) params.reasoning = reasoning;
  return { params, hasImages: images };
}

const READERS: Record<Dialect, (body: Json, model: string) => ChatParams> = {
  anthropic(body, model) {
    const messages: Message[] = [];
    const system =
      typeof body["system"] === "string"
        ? body["system"]
        : arr(body["system"])
            .map((b) => str(b["text"]))
            .join("\n");
    if (system !== "") messages.push({ role: "system", content: system });
    for (const m of arr(body["messages"])) {
      const role = m["role"] === "assistant" ? "assistant" : "user";
      messages.push({ role, content: typeof m["content"] === "string" ? m["content"] : arr(m["content"]).map(anthropicPart) });
    }
    const tools = arr(body["tools"]).map((t) => {
      if (t["type"] !== undefined && t["type"] !== "custom") throw new Unsupported(`server tool ${String(t["type"])}`);
      return tool(t["name"], t["description"], t["input_schema"], t["strict"]);
    });
    return { model, messages, tools };
  },

  chat(body, model) {
    const messages: Message[] = [];
    for (const m of arr(body["messages"])) {
      if (m["role"] === "tool") {
        messages.push({ role: "tool", content: [{ type: "tool_result", tool_call_id: str(m["tool_call_id"]), content: chatText(m["content"]) }] });
        continue;
      }
      const role = m["role"] === "developer" ? "system" : (m["role"] as Message["role"]);
      if (role !== "system" && role !== "user" && role !== "assistant") throw new Unsupported(`chat role ${String(m["role"])}`);
      const parts: ContentPart[] = [];
      if (typeof m["content"] === "string") parts.push({ type: "text", text: m["content"] });
      for (const p of arr(m["content"])) {
        if (p["type"] === "text") parts.push({ type: "text", text: str(p["text"]) });
        else if (p["type"] === "image_url") parts.push(image("image/png", (p["image_url"] as Json)["url"]));
        else throw new Unsupported(`chat part ${String(p["type"])}`);
      }
      if (typeof m["reasoning_content"] === "string" && m["reasoning_content"] !== "") parts.unshift({ type: "reasoning", text: m["reasoning_content"] });
      for (const c of arr(m["tool_calls"])) {
        const f = c["function"] as Json;
        parts.push({ type: "tool_call", id: str(c["id"]), name: str(f["name"]), arguments: str(f["arguments"]) });
      }
      messages.push({ role, content: parts });
    }
    const tools = arr(body["tools"]).map((t) => {
      if (t["type"] !== "function") throw new Unsupported(`chat tool ${String(t["type"])}`);
      const f = t["function"] as Json;
      return tool(f["name"], f["description"], f["parameters"], f["strict"]);
    });
    return { model, messages, tools };
  },

  responses(body, model) {
    const messages: Message[] = [];
    if (typeof body["instructions"] === "string") messages.push({ role: "system", content: body["instructions"] });
    if (typeof body["input"] === "string") messages.push({ role: "user", content: body["input"] });
    if (body["previous_response_id"] !== undefined && body["previous_response_id"] !== null) throw new Unsupported("previous_response_id");
    const calls = new Map<string, string>();
    for (const item of arr(body["input"])) {
      const type = item["type"] ?? "message";
      if (type === "message") {
        const role = item["role"] === "developer" ? "system" : (item["role"] as Message["role"]);
        const content =
          typeof item["content"] === "string"
            ? item["content"]
            : arr(item["content"]).map((p): ContentPart => {
                if (p["type"] === "input_text" || p["type"] === "output_text") return { type: "text", text: str(p["text"]) };
                if (p["type"] === "input_image") return image("image/png", p["image_url"]);
                throw new Unsupported(`responses part ${String(p["type"])}`);
              });
        messages.push({ role, content });
      } else if (type === "function_call") {
        calls.set(str(item["call_id"]), str(item["name"]));
        messages.push({ role: "assistant", content: [{ type: "tool_call", id: str(item["call_id"]), name: str(item["name"]), arguments: str(item["arguments"]) }] });
      } else if (type === "function_call_output") {
        messages.push({ role: "tool", content: [{ type: "tool_result", tool_call_id: str(item["call_id"]), content: str(item["output"]) }] });
      } else if (type === "reasoning") {
        const text = arr(item["summary"])
          .map((s) => str(s["text"]))
          .join("\n");
        messages.push({ role: "assistant", content: [{ type: "reasoning", text, provider_data: { encrypted_content: str(item["encrypted_content"]) } }] });
      } else throw new Unsupported(`responses item ${String(type)}`);
    }
    const tools = arr(body["tools"]).map((t) => {
      if (t["type"] !== "function") throw new Unsupported(`responses tool ${String(t["type"])}`);
      return tool(t["name"], t["description"], t["parameters"], t["strict"]);
    });
    return { model, messages: mergeAdjacent(messages), tools };
  },

  gemini(body, model) {
    const request = (body["generateContentRequest"] as Json | undefined) ?? body;
    if (request["cachedContent"] !== undefined) throw new Unsupported("cachedContent");
    const messages: Message[] = [];
    const system = arr((request["systemInstruction"] as Json | undefined)?.["parts"])
      .map((p) => str(p["text"]))
      .join("\n");
    if (system !== "") messages.push({ role: "system", content: system });
    for (const c of arr(request["contents"])) {
      const role = c["role"] === "model" ? "assistant" : "user";
      // Our wire carries a thought signature as a reasoning part before the part it signs (src/formats/gemini/stream.ts).
      const parts = arr(c["parts"]).flatMap((p): ContentPart[] => {
        const signature = str(p["thoughtSignature"] ?? p["thought_signature"]);
        const part = geminiPart(p);
        return signature === "" ? [part] : [{ type: "reasoning", text: "", signature }, part];
      });
      messages.push({ role, content: parts });
    }
    const tools: ToolDefinition[] = [];
    for (const t of arr(request["tools"])) {
      for (const key of Object.keys(t)) if (key !== "functionDeclarations") throw new Unsupported(`gemini tool ${key}`);
      // The Python SDK sends the JSON-schema field snake_cased (pydantic-ai test_google_instructions_only_with_tool_calls): read, not dropped.
      for (const f of arr(t["functionDeclarations"])) tools.push(tool(f["name"], f["description"], f["parametersJsonSchema"] ?? f["parameters_json_schema"] ?? f["parameters"]));
    }
    return { model, messages, tools };
  },

  converse(body, model) {
    const messages: Message[] = [];
    const system = arr(body["system"])
      .map((b) => {
        if (b["cachePoint"] !== undefined) return "";
        if (typeof b["text"] !== "string") throw new Unsupported("converse system block");
        return b["text"];
      })
      .join("\n");
    if (system !== "") messages.push({ role: "system", content: system });
    for (const m of arr(body["messages"])) {
      const role = m["role"] === "assistant" ? "assistant" : "user";
      const content = arr(m["content"])
        .filter((b) => b["cachePoint"] === undefined)
        .map(conversePart);
      messages.push({ role, content });
    }
    const config = body["toolConfig"] as Json | undefined;
    const tools = arr(config?.["tools"]).map((t) => {
      const spec = t["toolSpec"] as Json | undefined;
      if (spec === undefined) throw new Unsupported("converse tool without toolSpec");
      return tool(spec["name"], spec["description"], (spec["inputSchema"] as Json)["json"]);
    });
    return { model, messages, tools };
  },
};

function anthropicPart(b: Json): ContentPart {
  switch (b["type"]) {
    case "text":
      return { type: "text", text: str(b["text"]) };
    case "image": {
      const source = b["source"] as Json;
      return image(source["media_type"], source["data"] ?? source["url"]);
    }
    case "tool_use":
      return { type: "tool_call", id: str(b["id"]), name: str(b["name"]), arguments: JSON.stringify(b["input"] ?? {}) };
    case "tool_result": {
      const content = typeof b["content"] === "string" ? b["content"] : arr(b["content"]).map(anthropicPart);
      return { type: "tool_result", tool_call_id: str(b["tool_use_id"]), content, ...(b["is_error"] === true && { is_error: true }) };
    }
    case "thinking":
      return { type: "reasoning", text: str(b["thinking"]), signature: str(b["signature"]) };
    case "redacted_thinking":
      return { type: "reasoning", text: "", redacted: str(b["data"]) };
    default:
      throw new Unsupported(`anthropic block ${String(b["type"])}`);
  }
}

function geminiPart(p: Json): ContentPart {
  if ((p["thoughtSignature"] ?? p["thought_signature"]) !== undefined && Object.keys(p).length === 1) return { type: "reasoning", text: "" };
  if (typeof p["text"] === "string") return p["thought"] === true ? { type: "reasoning", text: p["text"] } : { type: "text", text: p["text"] };
  // The API takes its fields in either case; the Python SDK sends function_call / function_response (pydantic-ai test_multimodal_tool_return_matrix on Vertex).
  if ((p["functionCall"] ?? p["function_call"]) !== undefined) {
    const call = (p["functionCall"] ?? p["function_call"]) as Json;
    return { type: "tool_call", id: str(call["id"]) || str(call["name"]), name: str(call["name"]), arguments: JSON.stringify(call["args"] ?? {}) };
  }
  if ((p["functionResponse"] ?? p["function_response"]) !== undefined) {
    const r = (p["functionResponse"] ?? p["function_response"]) as Json;
    return { type: "tool_result", tool_call_id: str(r["id"]) || str(r["name"]), content: JSON.stringify(r["response"] ?? {}) };
  }
  if ((p["inlineData"] ?? p["inline_data"]) !== undefined) {
    const d = (p["inlineData"] ?? p["inline_data"]) as Json;
    return image(d["mimeType"] ?? d["mime_type"], d["data"]);
  }
  throw new Unsupported(`gemini part ${Object.keys(p).join(",")}`);
}

function conversePart(b: Json): ContentPart {
  if (typeof b["text"] === "string") return { type: "text", text: b["text"] };
  if (b["image"] !== undefined) {
    const i = b["image"] as Json;
    return image(`image/${str(i["format"])}`, (i["source"] as Json)["bytes"]);
  }
  if (b["toolUse"] !== undefined) {
    const u = b["toolUse"] as Json;
    return { type: "tool_call", id: str(u["toolUseId"]), name: str(u["name"]), arguments: JSON.stringify(u["input"] ?? {}) };
  }
  if (b["toolResult"] !== undefined) {
    const r = b["toolResult"] as Json;
    const content = arr(r["content"]).map((c): ContentPart => {
      if (typeof c["text"] === "string") return { type: "text", text: c["text"] };
      if (c["json"] !== undefined) return { type: "text", text: JSON.stringify(c["json"]) };
      throw new Unsupported("converse tool result block");
    });
    return { type: "tool_result", tool_call_id: str(r["toolUseId"]), content };
  }
  if (b["reasoningContent"] !== undefined) {
    const text = ((b["reasoningContent"] as Json)["reasoningText"] as Json | undefined) ?? {};
    return { type: "reasoning", text: str(text["text"]), signature: str(text["signature"]) };
  }
  throw new Unsupported(`converse block ${Object.keys(b).join(",")}`);
}

function chatText(content: unknown): string {
  if (typeof content === "string") return content;
  return arr(content)
    .map((p) => str(p["text"]))
    .join("");
}

/** Responses items of one turn (reasoning, calls) as one assistant message, as our wire carries them. */
function mergeAdjacent(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (const m of messages) {
    const last = out[out.length - 1];
    if (last !== undefined && last.role === "assistant" && m.role === "assistant" && Array.isArray(last.content) && Array.isArray(m.content)) {
      last.content.push(...m.content);
    } else out.push(m);
  }
  return out;
}

/** The thinking the request asked for, in each dialect's spelling (thinking changes what some providers bill). */
function reasoningOf(body: Json): ChatParams["reasoning"] {
  const thinking = (body["thinking"] ?? (body["additionalModelRequestFields"] as Json | undefined)?.["thinking"]) as Json | undefined;
  if (thinking !== undefined) {
    if (thinking["type"] === "enabled") return { budget_tokens: Number(thinking["budget_tokens"] ?? 1024) };
    if (thinking["type"] === "adaptive") return { effort: "medium" };
    return { effort: "none" };
  }
  const effort =
    body["reasoning_effort"] ??
    (body["reasoning"] as Json | undefined)?.["effort"] ??
    ((body["additionalModelRequestFields"] as Json | undefined)?.["reasoningConfig"] as Json | undefined)?.["maxReasoningEffort"];
  if (typeof effort === "string") return { effort: (["none", "minimal", "low", "medium", "high", "xhigh", "max"].includes(effort) ? effort : "medium") as "medium" };
  const config = (body["generationConfig"] as Json | undefined)?.["thinkingConfig"] as Json | undefined;
  if (config !== undefined) {
    if (config["thinkingBudget"] === 0) return { effort: "none" };
    return typeof config["thinkingBudget"] === "number" && config["thinkingBudget"] > 0 ? { budget_tokens: config["thinkingBudget"] } : { effort: "medium" };
  }
  return undefined;
}
