/**
 * The last `capacity` numbers pushed, and their sum. The sum runs (add the new value, take off
 * the evicted one) and is added up afresh once every `capacity` pushes: amortised O(1), and the
 * rounding error of a long live session cannot pile up.
 */
export class RollingWindow {
  readonly capacity: number;
  readonly #values: Float64Array;
  #oldest = 0;
  #size = 0;
  #sum = 0;
  #sinceResum = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#values = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  get sum(): number {
    return this.#sum;
  }

  push(value: number): void {
    if (this.capacity === 0) return;
    if (this.#size < this.capacity) {
      this.#values[this.#size] = value;
      this.#size++;
      this.#sum += value;
    } else {
      this.#sum += value - (this.#values[this.#oldest] ?? 0);
      this.#values[this.#oldest] = value;
      this.#oldest = (this.#oldest + 1) % this.capacity;
    }
    if (++this.#sinceResum >= this.capacity) {
      this.#sinceResum = 0;
      let sum = 0;
      for (let i = 0; i < this.#size; i++) sum += this.#values[i] ?? 0;
      this.#sum = sum;
    }
  }

  /** The sum of squared distances of the values held from `mean`. */
  squaredDeviations(mean: number): number {
    let sum = 0;
    for (let i = 0; i < this.#size; i++) {
      const d = (this.#values[i] ?? 0) - mean;
      sum += d * d;
    }
    return sum;
  }
}
