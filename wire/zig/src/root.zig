//! plue_ai_provider: the Zig client of the plue-ai-provider executable
//! (wire protocol 1, wire/README.md). See ../README.md.
const protocol = @import("protocol.zig");
const request = @import("request.zig");
const client = @import("client.zig");

pub const results = @import("results.zig");

pub const protocol_version = protocol.protocol_version;

// The process.
pub const Client = client.Client;
pub const Handle = client.Handle;
pub const Line = client.Line;
pub const Options = client.Options;
pub const RequestOptions = client.RequestOptions;
pub const Term = client.Term;
pub const End = client.End;
pub const Error = client.Error;

// Requests.
pub const Action = request.Action;
pub const Json = request.Json;
pub const Headers = request.Headers;
pub const Timeouts = request.Timeouts;
pub const Credentials = request.Credentials;
pub const ProviderOptions = request.ProviderOptions;
pub const Effort = request.Effort;
pub const Reasoning = request.Reasoning;
pub const Tool = request.Tool;
pub const ToolChoice = request.ToolChoice;
pub const Role = request.Role;
pub const Part = request.Part;
pub const Message = request.Message;
pub const ChatParams = request.ChatParams;
pub const ListModelsParams = request.ListModelsParams;
pub const UsageIn = request.UsageIn;
pub const CostParams = request.CostParams;
pub const RefreshCatalogParams = request.RefreshCatalogParams;
pub const CancelParams = request.CancelParams;
pub const Envelope = request.Envelope;
pub const writeRequest = request.writeRequest;
pub const encodeRequest = request.encodeRequest;

// Responses.
pub const Id = protocol.Id;
pub const ErrorCode = protocol.ErrorCode;
pub const FinishReason = protocol.FinishReason;
pub const Usage = protocol.Usage;
pub const Cost = protocol.Cost;
pub const AdjustmentAction = protocol.AdjustmentAction;
pub const Adjustment = protocol.Adjustment;
pub const Done = protocol.Done;
pub const Chunk = protocol.Chunk;
pub const ErrorBody = protocol.ErrorBody;
pub const Response = protocol.Response;
pub const Parsed = protocol.Parsed;
pub const ParseError = protocol.ParseError;
pub const parseResponse = protocol.parseResponse;
pub const readResponse = protocol.readResponse;
pub const readId = protocol.readId;
pub const readUsage = protocol.readUsage;
pub const readAdjustments = protocol.readAdjustments;
pub const readCost = protocol.readCost;
pub const number = protocol.number;

test {
    _ = protocol;
    _ = request;
    _ = client;
    _ = results;
}
