using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 6.5: <c>PUT /chats/{chatId}/settings</c> and <c>muted</c> in <c>GET /me/chats</c>.</summary>
[Collection(SharedServer.Name)]
public sealed class MuteTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Muting_a_chat_answers_200_with_muted_true_and_no_end()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        using var response = await alice.PutSettingsAsync(chatId, new { muted = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"muted":true}""", await response.ReadTextAsync());
    }

    [Fact]
    public async Task Muting_until_a_future_time_answers_it_in_the_protocols_time_format()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        var until = MuteSettings.Wire(DateTimeOffset.UtcNow.AddHours(2));

        using var response = await alice.PutSettingsAsync(chatId, new { muted = true, mutedUntil = until });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"muted":true,"mutedUntil":"{{until}}"}""", await response.ReadTextAsync());
    }

    [Fact]
    public async Task Unmuting_answers_muted_false_and_the_chat_lists_as_not_muted()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        (await alice.PutSettingsAsync(chatId, new { muted = true })).Dispose();

        using var response = await alice.PutSettingsAsync(chatId, new { muted = false });

        Assert.Equal("""{"muted":false}""", await response.ReadTextAsync());
        var listed = await alice.MyChatAsync(chatId);
        Assert.False(listed.Flag("muted"));
        Assert.False(listed.TryGetProperty("mutedUntil", out _), $"got {listed}");
    }

    [Fact]
    public async Task My_chats_show_each_chat_muted_or_not_with_the_end_of_a_mute_that_ends_by_itself()
    {
        var alice = Server.NewUser("alice");
        var (forGood, forAWhile, notMuted) = (await alice.CreateGroupIdAsync(), await alice.CreateGroupIdAsync(), await alice.CreateGroupIdAsync());
        var until = MuteSettings.Wire(DateTimeOffset.UtcNow.AddHours(2));
        (await alice.PutSettingsAsync(forGood, new { muted = true })).Dispose();
        (await alice.PutSettingsAsync(forAWhile, new { muted = true, mutedUntil = until })).Dispose();

        Assert.Equal((true, null), MuteSettings.Of(await alice.MyChatAsync(forGood)));
        Assert.Equal((true, until), MuteSettings.Of(await alice.MyChatAsync(forAWhile)));
        Assert.Equal((false, null), MuteSettings.Of(await alice.MyChatAsync(notMuted)));
    }

    [Fact]
    public async Task A_mute_is_the_callers_own_and_other_members_stay_unmuted()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);

        (await alice.PutSettingsAsync(chatId, new { muted = true })).Dispose();

        Assert.Equal((false, null), MuteSettings.Of(await bob.MyChatAsync(chatId)));
    }

    [Fact]
    public async Task A_muted_chat_still_delivers_its_messages_to_the_members_devices()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        (await bob.PutSettingsAsync(chatId, new { muted = true })).Dispose();
        await using var bobSocket = await bob.ConnectAsync();

        var ack = await alice.PostMessageAsync(chatId, "still here");

        Assert.Equal(ack.Number("seq"), (await bobSocket.ReceiveAsync("message", chatId)).Number("seq"));
    }

    [Fact]
    public async Task A_mutedUntil_in_the_past_gets_400_bad_request_and_changes_nothing()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        using var response = await alice.PutSettingsAsync(chatId, new { muted = true, mutedUntil = MuteSettings.Wire(DateTimeOffset.UtcNow.AddMinutes(-1)) });

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal((false, null), MuteSettings.Of(await alice.MyChatAsync(chatId)));
    }

    [Theory]
    [InlineData("""{"muted":true,"mutedUntil":"tomorrow"}""")]
    [InlineData("""{"muted":true,"mutedUntil":"2030-13-01T00:00:00Z"}""")]
    [InlineData("""{"muted":true,"mutedUntil":1893456000}""")]
    [InlineData("""{"muted":"yes"}""")]
    [InlineData("""{"mutedUntil":"2030-01-01T00:00:00.000Z"}""")]
    [InlineData("""{"muted":false,"mutedUntil":"2030-01-01T00:00:00.000Z"}""")]
    public async Task Settings_of_the_wrong_shape_get_400_bad_request_and_change_nothing(string body)
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        using var response = await alice.SendAsync(HttpMethod.Put, $"chats/{ChatUser.Escape(chatId)}/settings", body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal((false, null), MuteSettings.Of(await alice.MyChatAsync(chatId)));
    }

    [Fact]
    public async Task Muting_a_chat_the_caller_is_not_in_gets_403_forbidden()
    {
        var (alice, mallory) = (Server.NewUser("alice"), Server.NewUser("mallory"));
        var chatId = await alice.CreateGroupIdAsync();

        using var response = await mallory.PutSettingsAsync(chatId, new { muted = true });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Muting_a_chat_that_does_not_exist_gets_404_not_found()
    {
        var alice = Server.NewUser("alice");

        using var response = await alice.PutSettingsAsync("g:no-such-chat-" + Guid.NewGuid().ToString("N"), new { muted = true });

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Leaving_a_muted_group_and_joining_again_starts_unmuted()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        (await bob.PutSettingsAsync(chatId, new { muted = true })).Dispose();

        await bob.RemoveMemberAsync(chatId, bob);
        await alice.AddMemberAsync(chatId, bob);

        Assert.Equal((false, null), MuteSettings.Of(await bob.MyChatAsync(chatId)));
    }
}

/// <summary>A server on a clock the test moves (see <see cref="TypingClockServer"/>).</summary>
public sealed class MuteClockTests(TypingClockServer fixture) : IClassFixture<TypingClockServer>
{
    private ChatServer Server => fixture.Server;

    private FakeTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task A_mute_with_an_end_lists_as_not_muted_once_the_servers_clock_reaches_it()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        var until = MuteSettings.Wire(Clock.GetUtcNow().AddMinutes(1));
        (await alice.PutSettingsAsync(chatId, new { muted = true, mutedUntil = until })).Dispose();
        Clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(1));
        Assert.Equal((true, until), MuteSettings.Of(await alice.MyChatAsync(chatId)));

        Clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal((false, null), MuteSettings.Of(await alice.MyChatAsync(chatId)));
    }

    [Fact]
    public async Task A_mutedUntil_that_the_servers_clock_has_passed_gets_400()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        Clock.Advance(TimeSpan.FromMinutes(2));

        using var response = await alice.PutSettingsAsync(chatId, new { muted = true, mutedUntil = MuteSettings.Wire(Clock.GetUtcNow().AddMinutes(-1)) });

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }
}

internal static class MuteSettings
{
    public static Task<HttpResponseMessage> PutSettingsAsync(this ChatUser user, string chatId, object body) =>
        user.SendAsync(HttpMethod.Put, $"chats/{ChatUser.Escape(chatId)}/settings", body);

    /// <summary>A time as PROTOCOL.md writes times: UTC, to the millisecond.</summary>
    public static string Wire(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>muted</c> and <c>mutedUntil</c> of a <c>GET /me/chats</c> item (null when the field is absent).</summary>
    public static (bool Muted, string? MutedUntil) Of(JsonElement chat)
    {
        var until = chat.TryGetProperty("mutedUntil", out var value) ? value.GetString() ?? "null" : null;
        return (chat.Flag("muted"), until);
    }
}
