using OrleansChat.Silo;

var app = ChatApplication.Build(args);
app.Run();
