using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>The REST edge's services: one problem-details path, the JSON contracts, the OpenAPI document.</summary>
internal static class RestServices
{
    /// <summary>The OpenAPI document's name; the framework serves it at <c>/openapi/v1.json</c>.</summary>
    public const string OpenApiDocument = "v1";

    public static IServiceCollection AddChatRest(this IServiceCollection services)
    {
        // Registered before the framework's default writer, which writes only for requests that accept JSON.
        services.AddSingleton<IProblemDetailsWriter, Problems.Writer>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // A problem the framework raises by itself gets PROTOCOL.md's code and a trace id; the app's carry theirs.
            c.ProblemDetails.Extensions.TryAdd("code", Problems.CodeFor(c.ProblemDetails.Status ?? StatusCodes.Status500InternalServerError));
            c.ProblemDetails.Extensions.TryAdd("traceId", TraceIds.Current());
        });
        services.ConfigureHttpJsonOptions(o => RestJson.Configure(o.SerializerOptions));

        // The document describes PROTOCOL.md 4 only: /ws speaks frames, and operator routes are not the client API.
        services.AddOpenApi(OpenApiDocument, o =>
        {
            o.ShouldInclude = api => api.RelativePath is { } path && path.StartsWith(GatewayEndpoints.ApiPath.TrimStart('/') + "/", StringComparison.Ordinal);
            o.AddSchemaTransformer(RestOpenApi.DescribeProblemExtensions);
        });
        return services;
    }
}
