using System.Net;

namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class DeviceRoutesTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Theory]
    [InlineData("fcm")]
    [InlineData("apns")]
    [InlineData("webpush")]
    public async Task Registering_a_device_answers_201_with_a_device_id(string platform)
    {
        using var response = await Server.NewUser("alice").PostAsync("devices", new { platform, token = $"push-token-{Guid.NewGuid():N}" });

        var device = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.False(string.IsNullOrEmpty(device.Text("deviceId")));
    }

    [Fact]
    public async Task Removing_a_registered_device_answers_204()
    {
        var alice = Server.NewUser("alice");
        var deviceId = await RegisterAsync(alice);

        using var response = await alice.DeleteAsync($"devices/{ChatUser.Escape(deviceId)}");

        await Expect.StatusAsync(response, HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Removing_a_device_twice_answers_404_the_second_time()
    {
        var alice = Server.NewUser("alice");
        var deviceId = await RegisterAsync(alice);
        (await alice.DeleteAsync($"devices/{ChatUser.Escape(deviceId)}")).Dispose();

        using var response = await alice.DeleteAsync($"devices/{ChatUser.Escape(deviceId)}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Removing_an_unknown_device_answers_404()
    {
        using var response = await Server.NewUser("alice").DeleteAsync($"devices/unknown-{Guid.NewGuid():N}");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("""{"platform":"carrier-pigeon","token":"t"}""")]
    [InlineData("""{"platform":"fcm"}""")]
    [InlineData("""{"platform":"fcm","token":""}""")]
    public async Task Registering_a_device_with_a_bad_body_answers_400(string body)
    {
        using var response = await Server.NewUser("alice").PostAsync("devices", body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    private static async Task<string> RegisterAsync(ChatUser user)
    {
        using var response = await user.PostAsync("devices", new { platform = "fcm", token = $"push-token-{Guid.NewGuid():N}" });
        return (await Expect.StatusAsync(response, HttpStatusCode.Created)).Text("deviceId");
    }
}
