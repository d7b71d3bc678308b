/** The Delta log actions the reader uses (unknown fields and actions are ignored). */

export interface DeletionVectorDescriptor {
  storageType: 'u' | 'i' | 'p' | string;
  pathOrInlineDv: string;
  offset?: number | null;
  sizeInBytes: number;
  cardinality: number | bigint;
}

export interface AddAction {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  deletionVector?: DeletionVectorDescriptor | null;
  /** File statistics, a JSON string (`numRecords`, min/max values, null counts); optional. */
  stats?: string | null;
}

export interface RemoveAction {
  path: string;
  dataChange: boolean;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  deletionVector?: DeletionVectorDescriptor | null;
}

export interface CdcAction {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  dataChange?: boolean;
}

export interface MetadataAction {
  id: string;
  name?: string | null;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string | null>;
  createdTime?: number | null;
}

export interface ProtocolAction {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[] | null;
  writerFeatures?: string[] | null;
}

export interface CommitInfoAction {
  timestamp?: number;
  inCommitTimestamp?: number;
  operation?: string;
  [field: string]: unknown;
}

export interface SidecarAction {
  path: string;
  sizeInBytes?: number;
}

/** One action of a commit or checkpoint; exactly one field is set. */
export interface DeltaAction {
  add?: AddAction;
  remove?: RemoveAction;
  cdc?: CdcAction;
  metaData?: MetadataAction;
  protocol?: ProtocolAction;
  commitInfo?: CommitInfoAction;
  sidecar?: SidecarAction;
}

/** The identity of a logical file: its path plus the unique id of its deletion vector. */
export function fileKey(
  path: string,
  deletionVector: DeletionVectorDescriptor | null | undefined,
): string {
  if (!deletionVector) return path;
  const offset = deletionVector.offset == null ? '' : `@${deletionVector.offset}`;
  return `${path}\u0000${deletionVector.storageType}${deletionVector.pathOrInlineDv}${offset}`;
}
