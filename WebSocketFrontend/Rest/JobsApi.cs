using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// PROTOCOL.md 9: assistant jobs over REST. A job is shown only to members of its chat, and is 404 to anyone else, so
/// that job ids reveal nothing; the job grain checks no membership, the chat's room does (<see cref="FindForMember"/>).
/// </summary>
internal static class JobsApi
{
    /// <summary>Longer than any id <see cref="AssistantJobIds.For"/> makes: a longer one names no job.</summary>
    private const int MaxJobIdLength = 100;

    public static void MapJobsApi(this RouteGroupBuilder api)
    {
        const int BadRequest = StatusCodes.Status400BadRequest, Forbidden = StatusCodes.Status403Forbidden, NotFound = StatusCodes.Status404NotFound,
            TooLarge = StatusCodes.Status413PayloadTooLarge, NotJson = StatusCodes.Status415UnsupportedMediaType, RateLimited = StatusCodes.Status429TooManyRequests;

        api.MapPost("/jobs", StartJob).Problems(BadRequest, Forbidden, NotFound, TooLarge, NotJson, RateLimited);
        api.MapGet("/jobs/{jobId}", GetJob).Problems(NotFound);
        api.MapDelete("/jobs/{jobId}", CancelJob).Problems(NotFound);
    }

    /// <summary>The job, when <paramref name="userId"/> is a member of its chat; null when it is unknown or they are not.</summary>
    public static async Task<AssistantJob?> FindForMember(IGrainFactory grains, string userId, string jobId)
    {
        if (jobId.Length is 0 or > MaxJobIdLength || await grains.GetGrain<IAssistantJobGrain>(jobId).GetJob() is not { } job)
        {
            return null;
        }

        try
        {
            await grains.GetGrain<IChatRoomGrain>(job.ChatId).GetChat(userId);
            return job;
        }
        catch (ChatException refused) when (refused.Code is ChatErrorCode.Forbidden or ChatErrorCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<Accepted<JobStartedDto>> StartJob(
        StartJobRequest request, HttpContext context, IGrainFactory grains, SendRateLimiter rateLimiter, GatewayMetrics metrics, TimeProvider time)
    {
        var result = await ChatApi.SendAsync(request.ChatId, request.ToCommand(context.UserId()), grains, rateLimiter, metrics, time);

        // Only the assistant's own send starts no job; it has nobody to ask.
        var jobId = result.JobId ?? throw JsonBody.Bad("The assistant does not ask itself.");
        return TypedResults.Accepted(
            $"{GatewayEndpoints.ApiPath}/jobs/{jobId}",
            new JobStartedDto(jobId, AssistantJobStatuses.Name(AssistantJobStatus.Created), result.ChatId, result.Seq, result.MessageId));
    }

    private static async Task<Ok<JobDto>> GetJob(string jobId, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(JobDto.From(await FindForMember(grains, context.UserId(), jobId) ?? throw NoSuchJob(jobId)));

    private static async Task<Ok<JobDto>> CancelJob(string jobId, HttpContext context, IGrainFactory grains)
    {
        var userId = context.UserId();
        _ = await FindForMember(grains, userId, jobId) ?? throw NoSuchJob(jobId);
        var job = await grains.GetGrain<IAssistantJobGrain>(jobId).Cancel(userId) ?? throw NoSuchJob(jobId);
        return TypedResults.Ok(JobDto.From(job));
    }

    public static ProtocolException NoSuchJob(string jobId) => new(ProtocolError.NotFound($"No job '{jobId}'."));
}

/// <summary><c>POST /jobs</c>: a text that asks the assistant, idempotent on its client message id like any send.</summary>
internal sealed record StartJobRequest : IJsonRequest<StartJobRequest>
{
    public required string ChatId { get; init; }

    public required string ClientMsgId { get; init; }

    public required string Content { get; init; }

    public static void Check(JsonBody body)
    {
        if (!Identifiers.IsValidChatId(body.RequiredString("chatId")))
        {
            throw JsonBody.Bad($"chatId must be a chat id (1 to {Identifiers.MaxChatIdLength} of A-Z a-z 0-9 _ . - :).");
        }

        _ = Validation.CheckSend("", SendKind.Text, body.RequiredString("clientMsgId"), body.RequiredString("content"), null, null, false, []);
    }

    public SendCommand ToCommand(string userId) =>
        Validation.CheckSend(userId, SendKind.Text, ClientMsgId, Content, null, null, false, []) with { AskAssistant = true };
}

/// <summary>The answer to <c>POST /jobs</c>.</summary>
internal sealed record JobStartedDto(string JobId, string Status, string ChatId, long Seq, Guid MessageId);

/// <summary>A job as PROTOCOL.md 9 shows it; unset fields are written as null, not left out.</summary>
internal sealed record JobDto(
    string JobId,
    string ChatId,
    long Seq,
    string Status,
    int Attempts,
    string? Provider,
    string? Partial,
    long? ResultSeq,
    string? Error,
    string CreatedAt,
    string UpdatedAt)
{
    public static JobDto From(AssistantJob job) => new(
        job.JobId,
        job.ChatId,
        job.Seq,
        AssistantJobStatuses.Name(job.Status),
        job.Attempts,
        job.Provider,
        job.Partial,
        job.ResultSeq,
        job.Error,
        Times.ToWire(job.CreatedAt),
        Times.ToWire(job.UpdatedAt));
}
