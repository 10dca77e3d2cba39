/**
 * An indexed binary max-heap of broker slots by a caller's priority array (ties: lower slot
 * first). Knowing each slot's position lets a goal re-sift the two brokers a move changed in
 * O(log n) instead of scanning every broker for the most loaded one after each move.
 */
export class SlotHeap {
  private readonly items: number[] = [];
  private readonly position: Int32Array;

  constructor(
    private readonly priority: Float64Array,
    brokerCount: number,
  ) {
    this.position = new Int32Array(brokerCount).fill(-1);
  }

  get size(): number {
    return this.items.length;
  }

  /** The slot of highest priority, or -1 when empty. */
  peek(): number {
    return this.items.length === 0 ? -1 : (this.items[0] as number);
  }

  has(slot: number): boolean {
    return (this.position[slot] as number) >= 0;
  }

  push(slot: number): void {
    this.items.push(slot);
    this.position[slot] = this.items.length - 1;
    this.up(this.items.length - 1);
  }

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

  /** Restores the order after `slot`'s priority changed. */
  update(slot: number): void {
    const at = this.position[slot] as number;
    if (at < 0) return;
    this.up(at);
    this.down(this.position[slot] as number);
  }

  private before(a: number, b: number): boolean {
    const pa = this.priority[a] as number;
    const pb = this.priority[b] as number;
    return pa > pb || (pa === pb && a < b);
  }

  private up(at: number): void {
    const items = this.items;
    const slot = items[at] as number;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = items[parentAt] as number;
      if (!this.before(slot, parent)) break;
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
      if (rightAt < length && this.before(items[rightAt] as number, items[leftAt] as number)) childAt = rightAt;
      const child = items[childAt] as number;
      if (!this.before(child, slot)) break;
      items[at] = child;
      this.position[child] = at;
      at = childAt;
    }
    items[at] = slot;
    this.position[slot] = at;
  }
}
