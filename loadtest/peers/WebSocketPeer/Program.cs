using OrleansChat.Peers.WebSocket;

// The ceiling of this machine: bare Kestrel WebSockets, no auth, no storage. A send is broadcast to the chat's group,
// serialized once, and acked; frames are PROTOCOL.md's (welcome, send/ack, message, ping/pong) plus join/joined.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<Broadcaster>();
var app = builder.Build();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(25) });
app.MapGet("/health", () => "ok");
app.Map("/ws", (HttpContext context, Broadcaster broadcaster) => broadcaster.AcceptAsync(context));
app.Run();
