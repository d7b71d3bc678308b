/** The Spark Connect address integration tests run against (set by scripts/services/spark.sh). */
export function sparkRemoteForTests(): string {
  const remote = process.env.SPARK_REMOTE;
  if (!remote) {
    throw new Error(
      'SPARK_REMOTE is not set. Run the integration tests through `pnpm test:int` at the root, or `eval "$(bash scripts/services/spark.sh start)"` first.',
    );
  }
  return remote;
}
