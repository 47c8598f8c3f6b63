using System.Text.Json;

namespace OrleansChat.LoadGen;

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };
}
