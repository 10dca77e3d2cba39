/**
 * Broker slots kept in ascending order of a caller's key array (ties: lower slot first).
 * After a move only two brokers' keys change, so re-placing them by shifting neighbours —
 * O(distance moved) — beats re-sorting, and a walk from either end finds the least or most
 * loaded broker that passes a test without looking at the rest.
 */
export class SortedSlots {
  readonly slots: number[];
  private readonly position: Int32Array;

  constructor(
    members: readonly number[],
    private readonly key: Float64Array,
    brokerCount: number,
  ) {
    this.slots = [...members].sort((a, b) => this.compare(a, b));
    this.position = new Int32Array(brokerCount).fill(-1);
    this.slots.forEach((slot, i) => (this.position[slot] = i));
  }

  get size(): number {
    return this.slots.length;
  }

  has(slot: number): boolean {
    return (this.position[slot] as number) >= 0;
  }

  /** Restores the order after `slot`'s key changed. */
  update(slot: number): void {
    let at = this.position[slot] as number;
    if (at < 0) return;
    const slots = this.slots;
    while (at > 0 && this.compare(slot, slots[at - 1] as number) < 0) {
      slots[at] = slots[at - 1] as number;
      this.position[slots[at] as number] = at;
      at--;
    }
    while (at < slots.length - 1 && this.compare(slots[at + 1] as number, slot) < 0) {
      slots[at] = slots[at + 1] as number;
      this.position[slots[at] as number] = at;
      at++;
    }
    slots[at] = slot;
    this.position[slot] = at;
  }

  remove(slot: number): void {
    const at = this.position[slot] as number;
    if (at < 0) return;
    this.slots.splice(at, 1);
    this.position[slot] = -1;
    for (let i = at; i < this.slots.length; i++) this.position[this.slots[i] as number] = i;
  }

  private compare(a: number, b: number): number {
    return (this.key[a] as number) - (this.key[b] as number) || a - b;
  }
}
