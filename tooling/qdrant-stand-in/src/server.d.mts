export interface QdrantStandIn {
  url: string;
  port: number;
  close(): Promise<void>;
}
/** Starts the Qdrant stand-in (tests only) on host:port (0 = a free port). */
export function startQdrantStandIn(options?: {
  host?: string;
  port?: number;
  apiKey?: string;
}): Promise<QdrantStandIn>;
