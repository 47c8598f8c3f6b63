using System.Globalization;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.DeploymentTests;

/// <summary>The published Silo outside a container, configured the way README says: addresses from ASPNETCORE_URLS.</summary>
public sealed class EmbeddedSiloTests
{
    [Fact]
    public async Task The_published_silo_serves_where_ASPNETCORE_URLS_says()
    {
        var published = await PublishedApps.GetAsync();
        var scratch = ScratchDirectory.Create("orleanschat-deployment-embedded");
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var port = LoopbackPorts.Free();
                var environment = PublishedOutputRunner.ProcessBasics(Path.Combine(scratch, "home"));
                environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
                environment["Storage__DataDirectory"] = Path.Combine(scratch, "data");

                // Other processes share this machine: the silo's own Orleans ports go to free ones too.
                environment["Orleans__SiloPort"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture);
                environment["Orleans__GatewayPort"] = LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture);

                // Run from the publish folder, as the image does, so its appsettings.json is the one read.
                await using var silo = RunningApp.Start("silo", ["dotnet", "OrleansChat.Silo.dll"], published.DirectoryOf(Shipped.Silo), environment);
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                var address = new Uri(environment["ASPNETCORE_URLS"]);
                if (!await silo.WaitForOkAsync(http, new Uri(address, "/health/ready"), TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(2)))
                {
                    Assert.True(attempt < 3 && silo.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase), $"the silo exited:\n{silo.Output}");
                    continue;
                }

                using var liveness = await http.GetAsync(new Uri(address, "/health"), TestContext.Current.CancellationToken);
                Assert.Equal(System.Net.HttpStatusCode.OK, liveness.StatusCode);
                Assert.Contains(silo.Lines, line => line.Contains("Now listening on: " + environment["ASPNETCORE_URLS"], StringComparison.Ordinal));
                Assert.DoesNotContain(silo.Lines, line => line.Contains("Participant check thread", StringComparison.Ordinal));
                Assert.DoesNotContain(LogEntries.Parse(silo.Lines), e => e.Level is "Error" or "Critical");
                return;
            }
        }
        finally
        {
            ScratchDirectory.Delete(scratch);
        }
    }
}
