# Shared by start.sh (one node) and start-cluster.sh / node.sh (N nodes): the jar cache, the JVM flags sized for
# 2 shared cores, and free loopback ports. Sourced, never run; expects SCRIPT_DIR and KAFKA_DIR set.
KAFKA_VERSION=4.3.0
CACHE_DIR=${IDEM_CACHE:-$HOME/.cache/idem}/kafka-$KAFKA_VERSION
LIBS=$CACHE_DIR/libs

if ! command -v node >/dev/null 2>&1 && [ -f /etc/profile.d/idem.sh ]; then
  # shellcheck disable=SC1091
  . /etc/profile.d/idem.sh
fi

# Flags every broker JVM gets: small, C1-only, no perf files; the heap is set by the caller (≤ 512 MiB).
JAVA_COMMON=(
  -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=64m
  -XX:MaxMetaspaceSize=192m -XX:MaxDirectMemorySize=256m -Xss512k
  -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.awt.headless=true
)

# Copies the broker's runtime classpath from Maven Central into $LIBS once; a marker holding the pom's hash says
# the cache is complete, and a lock keeps concurrent starts from downloading twice.
fetch_jars() {
  local pom_sum marker t0 tmp
  pom_sum=$(sha256sum "$KAFKA_DIR/pom.xml" | cut -d' ' -f1)
  marker=$CACHE_DIR/.complete
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR/.fetch.lock"
  flock -w 600 8 || die "timed out waiting for another jar download into $CACHE_DIR"
  if [ -f "$marker" ] && [ "$(cat "$marker")" = "$pom_sum" ] && [ -d "$LIBS" ]; then
    exec 8>&-
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch the Kafka jars)"
  t0=$(date +%s)
  tmp=$(mktemp -d "$CACHE_DIR/libs.tmp.XXXXXX")
  log "fetching Kafka $KAFKA_VERSION jars into $LIBS (mvn dependency:copy-dependencies)"
  if ! MAVEN_OPTS=${MAVEN_OPTS:--Xmx256m} mvn -q -B -Dstyle.color=never -f "$KAFKA_DIR/pom.xml" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" >&2; then
    rm -rf "$tmp"
    die "maven could not fetch the Kafka jars"
  fi
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "kafka_2.13 jar missing after fetch"; }
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  echo "$pom_sum" >"$marker"
  log "fetched $(ls "$LIBS" | wc -l) jars in $(($(date +%s) - t0)) s"
  exec 8>&-
}

# Prints N free loopback ports and a fresh cluster id on one line: "p1 p2 ... pN CLUSTER_ID". All N are held open
# together before any is released, so they are distinct.
pick_ports_and_cluster_id() {
  node -e '
    const net = require("node:net");
    const crypto = require("node:crypto");
    const n = Number(process.argv[1]);
    const listen = () => new Promise((res, rej) => {
      const s = net.createServer();
      s.once("error", rej);
      s.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => res(s));
    });
    (async () => {
      const servers = [];
      for (let i = 0; i < n; i++) servers.push(await listen());
      const ports = servers.map((s) => s.address().port);
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      // Kafka cluster ids are 16 random bytes, base64url without padding, not starting with "-".
      let id;
      do { id = crypto.randomBytes(16).toString("base64url"); } while (id.startsWith("-"));
      console.log(ports.join(" ") + " " + id);
    })().catch((e) => { console.error(e); process.exit(1); });
  ' "$1"
}

# The log4j2 config of one broker: everything to <dir>/logs/server.log.
write_log4j2() {
  cat >"$1/log4j2.properties" <<L4J
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $1/logs/server.log
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
L4J
}
