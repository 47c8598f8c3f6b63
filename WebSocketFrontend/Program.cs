using OrleansChat.Gateway;
using OrleansChat.Hosting;

// The standalone gateway: an Orleans client of the cluster serving /ws and /api/v1.
var builder = WebApplication.CreateBuilder(args);
builder.AddChatLogLevelDefaults();  // the same log levels as every other process
builder.AddChatClusterClient();     // the silos PostgreSQL lists, or a local silo; serves while it connects
builder.AddChatOperations();        // /health, /health/ready, /metrics
builder.AddChatGateway();           // auth, rate limits, WebSocket connections
if (builder.Configuration.GetStorageMode() == StorageMode.Cluster)
{
    builder.Logging.AddJsonConsole();
}

var app = builder.Build();
app.MapChatOperations();
app.UseClusterConnectionGate();     // 503 unavailable for /ws and /api/v1 until the cluster answers
app.MapChatGateway();               // /ws, /api/v1
app.Run();
