/** Rows per batch a source yields when neither its options nor the call ask for a size. */
export const defaultSourceBatchSize = 1024;

/** The batch size a source uses: `requested` when it is a positive whole number, else `fallback`. */
export function sourceBatchSize(requested: number | undefined, fallback: number): number {
  return requested !== undefined && Number.isInteger(requested) && requested > 0
    ? requested
    : fallback;
}
