using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Connections;
using OrleansChat.Gateway.Protocol;
using OrleansChat.Gateway.Rest;

namespace OrleansChat.Gateway;

/// <summary>The gateway's routes: <c>/ws</c>, <c>/api/v1</c>.</summary>
public static partial class GatewayEndpoints
{
    public const string WebSocketPath = "/ws";

    public const string ApiPath = "/api/v1";

    /// <summary>The event stream, under <see cref="ApiPath"/> (PROTOCOL.md 10).</summary>
    public const string EventsPath = "/events";

    public static WebApplication MapChatGateway(this WebApplication app)
    {
        app.Use(AnswerUnhandledErrors);
        app.Use(CoalescingUpgrade.InstallAsync);  // before UseWebSockets, which takes the upgrade features as it passes
        app.UseWebSockets();
        app.UseChatWebClient();         // / : the browser client (wwwroot, embedded)
        app.UseWhen(context => context.Request.Path.StartsWithSegments(ApiPath), api => api.UseStatusCodePages(AnswerBareStatus));
        app.UseChatAuthentication();    // one token per request, bearer tokens, the operator policy
        app.Use(RestRequestChecks.CheckAsync);  // a REST route's chat id and JSON body, before the framework binds it

        app.Map(WebSocketPath, (HttpContext context, WebSocketEndpoint endpoint) => endpoint.RunAsync(context)).RequireAuthorization();

        // The document holds no data, only the shapes PROTOCOL.md 4 publishes anyway: it is public, like the page at /.
        app.MapOpenApi();

        var api = app.MapGroup(ApiPath).AddEndpointFilter(AnswerErrorsAsProblems)
            .Problems(StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable);
        var authorized = api.MapGroup("").RequireAuthorization().Problems(StatusCodes.Status401Unauthorized);
        authorized.MapChatApi();
        authorized.MapAttachmentsApi();
        authorized.MapGet(EventsPath, (HttpContext context, EventStreamEndpoint endpoint) => endpoint.RunAsync(context))
            .Produces<string>(StatusCodes.Status200OK, EventStreamEndpoint.MediaType)
            .Problems(StatusCodes.Status400BadRequest);
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokens is true)
        {
            if (!app.Environment.IsDevelopment())
            {
                LogDevTokensOutsideDevelopment(app.Logger, app.Environment.EnvironmentName);
            }

            api.MapPost("/auth/dev-token", DevTokenApi.Issue).AllowAnonymous()
                .Produces<DevTokenDto>(contentType: "application/json")
                .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        }

        return app;
    }

    /// <summary>
    /// What escapes every handler (a middleware's fault, a handshake that fails before it upgrades) is answered like an
    /// API error, logged with the trace id the answer carries, instead of Kestrel's bare 500.
    /// </summary>
    private static async Task AnswerUnhandledErrors(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayEndpoints));
            await Problems.WriteAsync(context, ProtocolErrors.From(ex, logger));
        }
    }

    /// <summary>Routing's own answers under the API (no such route, wrong method) become problem details too.</summary>
    private static Task AnswerBareStatus(StatusCodeContext context)
    {
        var status = context.HttpContext.Response.StatusCode;
        return Problems.WriteAsync(context.HttpContext, new ProtocolError(Problems.CodeFor(status), status, ReasonPhrases.GetReasonPhrase(status)));
    }

    /// <summary>Every failure of an API call becomes problem details with PROTOCOL.md's code.</summary>
    private static async ValueTask<object?> AnswerErrorsAsProblems(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ProtocolException e)
        {
            return new ProblemResult(e.Error);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayEndpoints));
            return new ProblemResult(ProtocolErrors.From(ex, logger));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:DevTokens is on in the {Environment} environment: anyone who reaches POST /api/v1/auth/dev-token gets a token for any user id")]
    private static partial void LogDevTokensOutsideDevelopment(ILogger logger, string environment);

    private sealed class ProblemResult(ProtocolError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Problems.WriteAsync(httpContext, error);
    }
}
