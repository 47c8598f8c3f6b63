# The three images from one build; --target picks the image, named as its Kubernetes workload is:
#   docker build --target silo -t orleanschat/silo .
#   docker build --target gateway -t orleanschat/gateway .
#   docker build --target pushworker -t orleanschat/pushworker .
# The silo references the gateway and the push worker (it can host both), so compiling it compiles nearly
# everything: one build stage publishes the three apps and the three images share its layers.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so that the restore layer is rebuilt only when a project or a package version changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY Grains.Interfaces/*.csproj Grains.Interfaces/
COPY Grains/*.csproj Grains/
COPY Hosting/*.csproj Hosting/
COPY Persistence/*.csproj Persistence/
COPY PushWorker/*.csproj PushWorker/
COPY WebSocketFrontend/*.csproj WebSocketFrontend/
COPY Silo/*.csproj Silo/
RUN dotnet restore Silo/Silo.csproj \
 && dotnet restore WebSocketFrontend/WebSocketFrontend.csproj \
 && dotnet restore PushWorker/PushWorker.csproj
COPY . .
RUN dotnet publish Silo/Silo.csproj --configuration Release --no-restore --output /out/silo \
 && dotnet publish WebSocketFrontend/WebSocketFrontend.csproj --configuration Release --no-restore --output /out/gateway \
 && dotnet publish PushWorker/PushWorker.csproj --configuration Release --no-restore --output /out/pushworker

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# The base image's non-root user; the copied files stay root's, so the app cannot rewrite itself.
USER $APP_UID

FROM runtime AS silo
COPY --from=build /out/silo .
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "OrleansChat.Silo.dll"]

FROM runtime AS gateway
COPY --from=build /out/gateway .
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "OrleansChat.WebSocketFrontend.dll"]

FROM runtime AS pushworker
COPY --from=build /out/pushworker .
ENTRYPOINT ["dotnet", "OrleansChat.PushWorker.dll"]
