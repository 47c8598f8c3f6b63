using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.ProtocolTests.Attachments;

/// <summary>In a cluster the bytes are in PostgreSQL, so any server of the cluster serves an attachment another took in.</summary>
public sealed class ClusterAttachmentTests
{
    [Fact]
    public async Task An_attachment_uploaded_through_one_server_of_a_cluster_is_downloaded_whole_and_in_ranges_through_another()
    {
        var postgres = await PostgresServer.RequireAsync();
        string[] cluster = [$"ConnectionStrings:Postgres={await postgres.CreateDatabaseAsync("attachments")}", "Orleans:AdvertisedIPAddress=127.0.0.1"];
        await using var first = await ChatServer.StartAsync(null, cluster);
        await using var second = await ChatServer.StartAsync(null, cluster);
        var alice = first.NewUser("alice");
        var photo = Samples.Image(700, 500);

        var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "photo.png" } };
        using var upload = new HttpRequestMessage(HttpMethod.Post, first.Api("attachments")) { Content = form };
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);
        using var uploaded = await first.SendAsync(upload);
        var id = (await Expect.StatusAsync(uploaded, HttpStatusCode.Created)).Text("attachmentId");

        using var whole = await GetAsync(second, alice, id, range: null);
        using var part = await GetAsync(second, alice, id, new RangeHeaderValue(100, 299));

        Assert.Equal(photo, await whole.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(photo[100..300], await part.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task In_a_cluster_a_member_downloads_through_another_server_what_a_text_carries_until_the_text_is_deleted()
    {
        var postgres = await PostgresServer.RequireAsync();
        string[] cluster = [$"ConnectionStrings:Postgres={await postgres.CreateDatabaseAsync("attachsend")}", "Orleans:AdvertisedIPAddress=127.0.0.1"];
        await using var first = await ChatServer.StartAsync(null, cluster);
        await using var second = await ChatServer.StartAsync(null, cluster);
        var (alice, bob, mallory) = (first.NewUser("alice"), first.NewUser("bob"), first.NewUser("mallory"));
        var (bobThere, malloryThere) = (new ChatUser(second, bob.Id), new ChatUser(second, mallory.Id));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var form = new MultipartFormDataContent { { new ByteArrayContent(Samples.Pdf()), "file", "report.pdf" } };
        using var upload = new HttpRequestMessage(HttpMethod.Post, first.Api("attachments")) { Content = form };
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);
        using var uploaded = await first.SendAsync(upload);
        var id = (await Expect.StatusAsync(uploaded, HttpStatusCode.Created)).Text("attachmentId");

        using var sent = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k1", content = "", attachments = new[] { id } });
        var seq = (await Expect.StatusAsync(sent, HttpStatusCode.Created)).Number("seq");
        using var member = await GetAsync(second, bobThere, id, range: null);
        using var stranger = await GetAsync(second, malloryThere, id, range: null);
        var history = (await bobThere.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages");

        Assert.Equal(Samples.Pdf(), await member.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        await Expect.ProblemAsync(stranger, HttpStatusCode.NotFound, "not_found");
        Assert.Equal([id], history[0].Items("attachments").Select(a => a.Text("attachmentId")));

        using var deleted = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k2", kind = "delete", target = seq });
        await Expect.StatusAsync(deleted, HttpStatusCode.Created);
        using var afterDelete = await GetAsync(second, bobThere, id, range: null);
        await Expect.ProblemAsync(afterDelete, HttpStatusCode.NotFound, "not_found");
        Assert.Null(await second.Services.GetRequiredService<IAttachmentStore>().FindAsync(Guid.Parse(id), TestContext.Current.CancellationToken));
    }

    private static async Task<HttpResponseMessage> GetAsync(ChatServer server, ChatUser user, string id, RangeHeaderValue? range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Api($"attachments/{id}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        request.Headers.Range = range;
        return await server.SendAsync(request);
    }
}
