using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Connections;
using OrleansChat.Gateway.Protocol;
using OrleansChat.Gateway.Rest;

namespace OrleansChat.Gateway;

/// <summary>The gateway's routes: <c>/ws</c>, <c>/api/v1</c>.</summary>
public static class GatewayEndpoints
{
    public const string WebSocketPath = "/ws";

    public static WebApplication MapChatGateway(this WebApplication app)
    {
        app.UseWebSockets();
        app.UseChatWebClient();         // / : the browser client (wwwroot, embedded)
        app.UseAuthentication();
        app.UseAuthorization();

        app.Map(WebSocketPath, WebSocketEndpoint.Handle).RequireAuthorization();

        var api = app.MapGroup("/api/v1").AddEndpointFilter(AnswerErrorsAsProblems);
        api.MapGroup("").RequireAuthorization().MapChatApi();
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokens is true)
        {
            api.MapPost("/auth/dev-token", DevTokenApi.Issue).AllowAnonymous();
        }

        return app;
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
            return new ProblemResult(ProtocolErrors.From(ex));
        }
    }

    private sealed class ProblemResult(ProtocolError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Problems.WriteAsync(httpContext, error);
    }
}
