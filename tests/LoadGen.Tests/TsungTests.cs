using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OrleansChat.LoadGen;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.LoadGenTests;

/// <summary>
/// The Tsung scenarios (loadtest/tsung): the users file LoadGen makes for them, and a short fanout replayed by Tsung
/// itself against a real server, whose delivery count (estimated from received bytes) must match what was sent.
/// </summary>
[Collection(SharedServer.Name)]
public sealed partial class TsungTests(ChatServerFixture server)
{
    [Fact]
    public async Task The_users_file_lists_receivers_before_senders_with_their_chats_and_the_frame_sizes_on_the_wire()
    {
        var dir = ScratchDirectory.Create("orleanschat-tsung-users");
        try
        {
            var path = Path.Combine(dir, "users.csv");
            var code = await TsungUsers.RunAsync(
                ["--out", path, "--url", server.BaseAddress.ToString(), "--signing-key", ChatServerFixture.SigningKey,
                 "--scenario", "fanout", "--chats", "3", "--members", "4"],
                TestContext.Current.CancellationToken);

            Assert.Equal(0, code);
            var rows = File.ReadAllLines(path).Select(l => l.Split(';')).ToArray();
            Assert.Equal(12, rows.Length);
            Assert.All(rows, r => Assert.Equal(4, r.Length));
            Assert.Equal(Enumerable.Repeat("0", 9).Concat(Enumerable.Repeat("1", 3)), rows.Select(r => r[3]));
            Assert.Equal(3, rows.Select(r => r[2]).Distinct().Count());
            Assert.All(rows.GroupBy(r => r[2]), chat => Assert.Single(chat, r => r[3] == "1"));

            var sizes = File.ReadAllLines(path + ".sizes").Select(l => l.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
            Assert.True(sizes["message"] > 64 + 100, $"a message frame with 64 characters of content is {sizes["message"]} bytes");
            Assert.True(sizes["ack"] is > 50 and < 300, $"an ack is {sizes["ack"]} bytes");
        }
        finally
        {
            ScratchDirectory.Delete(dir);
        }
    }

    [Fact]
    public async Task A_short_tsung_fanout_counts_every_delivery_within_two_percent()
    {
        if (!File.Exists("/usr/bin/tsung"))
        {
            Assert.Skip("tsung is not installed (apt-get install tsung); this test replays a fanout with it.");
        }

        var dir = ScratchDirectory.Create("orleanschat-tsung-run");
        try
        {
            var start = new ProcessStartInfo("bash", [Repository.PathOf("loadtest/tsung/run-tsung.sh"), "fanout"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["URL"] = server.BaseAddress.ToString().TrimEnd('/');
            start.Environment["KEY"] = ChatServerFixture.SigningKey;
            start.Environment["OUT"] = dir;
            start.Environment["LOADGEN"] = Path.Combine(AppContext.BaseDirectory, "LoadGen");
            start.Environment["CHATS"] = "2";
            start.Environment["MEMBERS"] = "10";
            start.Environment["RATE"] = "10";
            start.Environment["DURATION"] = "4";
            start.Environment["ARRIVAL_RATE"] = "100";
            using var tsung = Process.Start(start)!;
            var output = tsung.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var errors = tsung.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await tsung.WaitForExitAsync(TestContext.Current.CancellationToken);

            var summary = await output;
            Assert.True(tsung.ExitCode == 0, $"run-tsung.sh exited {tsung.ExitCode}: {summary} {await errors}");
            var match = Summary().Match(summary);
            Assert.True(match.Success, summary);
            Assert.Equal("20 of 20", match.Groups["users"].Value);
            Assert.Equal("0", match.Groups["errors"].Value);
            var expected = 2 * 40 * 10;
            Assert.Equal(expected, int.Parse(match.Groups["of"].Value, CultureInfo.InvariantCulture));
            var counted = double.Parse(match.Groups["counted"].Value, CultureInfo.InvariantCulture);
            Assert.True(counted >= expected * 0.98 && counted <= expected * 1.02, summary);
        }
        finally
        {
            ScratchDirectory.Delete(dir);
        }
    }

    [GeneratedRegex(@"(?<counted>\d+) deliveries of (?<of>\d+), (?<users>\d+ of \d+) users connected, .* errors (?<errors>\d+)")]
    private static partial Regex Summary();
}
