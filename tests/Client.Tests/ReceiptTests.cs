using OrleansChat.Client;

namespace OrleansChat.ClientTests;

/// <summary>PROTOCOL.md 6.4 through the library: <c>delivered</c> and <c>read</c> come back as typed receipts.</summary>
public sealed class ReceiptTests : IAsyncLifetime
{
    private ClientTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await ClientTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Delivered_and_read_reports_come_back_as_receipt_events_carrying_both_seqs()
    {
        var (alice, bob) = (ClientTestServer.NewUserId("alice"), ClientTestServer.NewUserId("bob"));
        var chatId = await _server.CreateGroupAsync(alice, bob);
        await _server.PostMessageAsync(bob, chatId, "one");
        await _server.PostMessageAsync(bob, chatId, "two");
        var client = await _server.StartClientAsync(alice);
        var ct = TestContext.Current.CancellationToken;

        await client.DeliveredAsync(chatId, 2, ct);
        await client.ReadAsync(chatId, 1, ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var receipts = new List<ChatReceipt>();
        while (receipts.Count < 2)
        {
            if ((await client.Events.ReadAsync(timeout.Token)).AsReceipt() is { } receipt)
            {
                receipts.Add(receipt);
            }
        }

        Assert.Equal([new ChatReceipt(chatId, alice, 0, 2), new ChatReceipt(chatId, alice, 1, 2)], receipts);
    }
}
