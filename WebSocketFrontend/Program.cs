using OrleansChat;
using OrleansChat.Gateway;

// The standalone gateway: an Orleans client of the cluster serving /ws and /api/v1.
var builder = WebApplication.CreateBuilder(args);
builder.AddChatLogLevelDefaults();  // the same log levels as every other process
builder.AddChatClusterClient();     // Orleans client: the silos PostgreSQL lists, or a local silo
builder.AddChatOperations();        // /health, /health/ready, /metrics
builder.AddChatGateway();           // auth, rate limits, WebSocket connections
if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString("Postgres")))
{
    builder.Logging.AddJsonConsole();
}

var app = builder.Build();
app.MapChatOperations();
app.MapChatGateway();               // /ws, /api/v1
app.Run();
