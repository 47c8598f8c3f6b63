using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// What <c>/openapi/v1.json</c> says about the REST edge beyond what the handlers' types say: the problem-details
/// answers each route may give, and the history query that the handler reads itself (to answer PROTOCOL.md's messages).
/// </summary>
internal static class RestOpenApi
{
    /// <summary>The route answers these statuses as problem details (PROTOCOL.md 4), besides those of its group.</summary>
    public static TBuilder Problems<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [Protocol.Problems.ContentType]));
        }

        return builder;
    }

    /// <summary><c>afterSeq</c>, <c>beforeSeq</c> and <c>limit</c> of <c>GET /chats/{chatId}/messages</c>.</summary>
    public static RouteHandlerBuilder HistoryQueryParameters(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(Query("afterSeq", "Messages with a seq above this one, oldest first."));
            operation.Parameters.Add(Query("beforeSeq", "Messages with a seq below this one; alone, the newest of them."));
            operation.Parameters.Add(Query("limit", $"At most this many, 1 to {ProtocolLimits.MaxPageSize}; {ProtocolLimits.DefaultHistoryPageSize} when absent."));
            return Task.CompletedTask;
        });

    /// <summary>The problem details schema with PROTOCOL.md's fields: <c>code</c> always, <c>traceId</c>, and <c>retryAfterMs</c> on a 429.</summary>
    public static Task DescribeProblemExtensions(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(ProblemDetails))
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
            schema.Properties["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "PROTOCOL.md 3.4's error code." };
            schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The trace id of the server's log line." };
            schema.Properties["retryAfterMs"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "On 429: when to retry." };
        }

        return Task.CompletedTask;
    }

    private static OpenApiParameter Query(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
    };
}
