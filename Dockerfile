# The ThreatExchange host (with the pbm client beside it), and the simulators as a second target.
#   docker build -t threat-exchange .                         the service
#   docker build --target simulators -t threat-exchange-sim .  Proofpoint TAP and Netskope simulators
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ThreatExchange.Host -c Release -o /out/host \
 && dotnet publish src/ThreatExchange.Cli -c Release -o /out/pbm \
 && dotnet publish src/ThreatExchange.Simulators -c Release -o /out/simulators

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS simulators
WORKDIR /app
COPY --from=build /out/simulators .
USER app
ENTRYPOINT ["dotnet", "ThreatExchange.Simulators.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS host
WORKDIR /app
COPY --from=build /out/host .
COPY --from=build /out/pbm ./pbm
COPY config ./config
RUN mkdir -p /data && chown app /data
# A node of a cluster by default: PostgreSQL journal (TE_POSTGRES_CONNECTION), seeds in TE_SEED_NODES.
ENV TE_DATA=/data \
    TE_CONFIG=/app/config/cluster.hocon \
    TE_DECLARATIONS=/app/config \
    TE_API_URL=http://0.0.0.0:8080 \
    TE_PBM_URL=http://0.0.0.0:9110 \
    TE_AKKA__remote__dot-netty__tcp__hostname=0.0.0.0 \
    TE_AKKA__remote__dot-netty__tcp__port=4053
EXPOSE 8080 9110 4053
USER app
VOLUME /data
# The image has no curl; bash's /dev/tcp asks /readyz, which answers 200 once this node is Up in the cluster.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\nAuthorization: Bearer %s\\r\\n\\r\\n' \"$TE_API_TOKEN\" >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "ThreatExchange.Host.dll"]
