/** A strict order on broker slots: `before(a, b)` is true when slot a should come first. */
export interface SlotOrder {
  before(a: number, b: number): boolean;
}

/**
 * An indexed binary min-heap of broker slots (0..n-1) under a caller's order. Knowing each
 * slot's position lets placement remove a broker or re-sift it after its counts change in
 * O(log n), instead of re-sorting the cell for every replica.
 */
export class BrokerHeap {
  private readonly items: number[] = [];

  /** `position` (filled with -1) may be shared by heaps whose slot sets are disjoint (one heap per rack). */
  constructor(
    private readonly order: SlotOrder,
    private readonly position: Int32Array,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** The first slot under the order, or -1 when empty. */
  peek(): number {
    return this.items.length === 0 ? -1 : (this.items[0] as number);
  }

  /** Whether `slot` is in this heap (positions of slots never pushed, or removed, are -1). */
  has(slot: number): boolean {
    return (this.position[slot] as number) >= 0;
  }

  push(slot: number): void {
    this.items.push(slot);
    this.position[slot] = this.items.length - 1;
    this.up(this.items.length - 1);
  }

  /** Takes `slot` out; a slot not in the heap is left alone. */
  remove(slot: number): void {
    const at = this.position[slot] as number;
    if (at < 0) return;
    const last = this.items.pop() as number;
    this.position[slot] = -1;
    if (at === this.items.length) return;
    this.items[at] = last;
    this.position[last] = at;
    this.up(at);
    this.down(this.position[last] as number);
  }

  /** Restores the order after `slot`'s key changed; a slot not in the heap is left alone. */
  update(slot: number): void {
    const at = this.position[slot] as number;
    if (at < 0) return;
    this.up(at);
    this.down(this.position[slot] as number);
  }

  private up(at: number): void {
    const items = this.items;
    const slot = items[at] as number;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = items[parentAt] as number;
      if (!this.order.before(slot, parent)) break;
      items[at] = parent;
      this.position[parent] = at;
      at = parentAt;
    }
    items[at] = slot;
    this.position[slot] = at;
  }

  private down(at: number): void {
    const items = this.items;
    const length = items.length;
    const slot = items[at] as number;
    for (;;) {
      const leftAt = 2 * at + 1;
      if (leftAt >= length) break;
      const rightAt = leftAt + 1;
      let childAt = leftAt;
      if (rightAt < length && this.order.before(items[rightAt] as number, items[leftAt] as number)) childAt = rightAt;
      const child = items[childAt] as number;
      if (!this.order.before(child, slot)) break;
      items[at] = child;
      this.position[child] = at;
      at = childAt;
    }
    items[at] = slot;
    this.position[slot] = at;
  }
}
