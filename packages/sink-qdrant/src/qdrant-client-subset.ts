/**
 * The part of @qdrant/js-client-rest's QdrantClient that the sink uses, so tests and
 * callers may pass their own client (or a fake) and heavy vendor types stay out.
 */
export interface QdrantPointRecord {
  id: string | number;
  payload?: Record<string, unknown> | null;
  vector?: unknown;
}

export interface QdrantClientSubset {
  collectionExists(collection: string): Promise<{ exists: boolean }>;
  getCollection(collection: string): Promise<{
    config: { params: { vectors?: unknown }; metadata?: Record<string, unknown> | null };
    payload_schema: Record<string, unknown>;
  }>;
  createCollection(
    collection: string,
    args: { vectors: { size: number; distance: 'Cosine' } },
  ): Promise<unknown>;
  updateCollection(
    collection: string,
    args: { metadata: Record<string, unknown> },
  ): Promise<unknown>;
  createPayloadIndex(
    collection: string,
    args: { field_name: string; field_schema: 'keyword'; wait?: boolean },
  ): Promise<unknown>;
  upsert(
    collection: string,
    args: {
      wait?: boolean;
      points: Array<{ id: string; vector: number[]; payload: Record<string, unknown> }>;
    },
  ): Promise<unknown>;
  delete(collection: string, args: { wait?: boolean; points: string[] }): Promise<unknown>;
  retrieve(
    collection: string,
    args: { ids: string[]; with_payload?: boolean; with_vector?: boolean },
  ): Promise<QdrantPointRecord[]>;
  scroll(
    collection: string,
    args: {
      limit?: number;
      offset?: string | number | null;
      with_payload?: boolean;
      with_vector?: boolean;
    },
  ): Promise<{ points: QdrantPointRecord[]; next_page_offset?: unknown }>;
  query(
    collection: string,
    args: { query: number[]; limit?: number; with_payload?: boolean; with_vector?: boolean },
  ): Promise<{ points: Array<QdrantPointRecord & { score: number }> }>;
  count(collection: string, args: { exact?: boolean }): Promise<{ count: number }>;
  /** Optional members: used only by the sink's `alias` and `drop`. */
  getAliases?(): Promise<{ aliases: Array<{ alias_name: string; collection_name: string }> }>;
  updateCollectionAliases?(args: {
    actions: Array<
      | { create_alias: { collection_name: string; alias_name: string } }
      | { delete_alias: { alias_name: string } }
    >;
  }): Promise<unknown>;
  deleteCollection?(collection: string): Promise<unknown>;
}
