const beta1 = 0.9;
const beta2 = 0.999;
const epsilon = 1e-8;

/** Adam with decoupled weight decay (AdamW) for one parameter array. */
export class AdamStep {
  private readonly first: Float32Array;
  private readonly second: Float32Array;
  private step = 0;

  constructor(size: number) {
    this.first = new Float32Array(size);
    this.second = new Float32Array(size);
  }

  /** Updates `weights` in place from gradients summed over `batch` samples. */
  apply(
    weights: Float32Array,
    gradient: Float32Array,
    batch: number,
    rate: number,
    decay: number,
  ): void {
    this.step++;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    for (let index = 0; index < weights.length; index++) {
      const g = gradient[index]! / batch;
      this.first[index] = beta1 * this.first[index]! + (1 - beta1) * g;
      this.second[index] = beta2 * this.second[index]! + (1 - beta2) * g * g;
      const update =
        this.first[index]! / correction1 / (Math.sqrt(this.second[index]! / correction2) + epsilon);
      weights[index] = weights[index]! - rate * (update + decay * weights[index]!);
    }
  }
}
