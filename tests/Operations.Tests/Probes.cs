using System.Net;

namespace OrleansChat.OperationsTests;

/// <summary>HTTP probes of a running process, polled against a deadline.</summary>
internal static class Probes
{
    public static async Task<HttpStatusCode> StatusAsync(HttpClient http, Uri address)
    {
        using var response = await http.GetAsync(address);
        return response.StatusCode;
    }

    /// <summary>Asks <paramref name="address"/> until it answers <paramref name="expected"/>; fails at the deadline with the last answer.</summary>
    public static async Task AwaitStatusAsync(HttpClient http, Uri address, HttpStatusCode expected, TimeSpan timeout, Func<string> output)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (true)
        {
            try
            {
                var status = await StatusAsync(http, address);
                if (status == expected)
                {
                    return;
                }

                last = $"{(int)status}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{address} did not answer {(int)expected} within {timeout} (last: {last}):\n{output()}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
