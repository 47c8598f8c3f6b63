using OrleansChat.Peers.SignalR;

// What a .NET team would build instead of OrleansChat: one ASP.NET Core process, a SignalR hub with groups, chats in
// memory. Same scenario shapes as OrleansChat: join a chat's group, send (acked with a per-chat seq), receive.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = 64 * 1024);
builder.Services.AddSingleton<Rooms>();
var app = builder.Build();
app.MapGet("/health", () => "ok");
app.MapHub<ChatHub>("/chat");
app.Run();
