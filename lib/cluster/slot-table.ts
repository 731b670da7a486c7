import { SLOT_COUNT } from './key-slot.js';
import type { ClusterNodeInfo, ClusterShard } from './cluster-topology.js';

interface MutableShard {
  primary: ClusterNodeInfo;
  replicas: ClusterNodeInfo[];
}

/** The slot → shard map of one moment. Built from parsed CLUSTER SHARDS/SLOTS; patched in place by MOVED. */
export class SlotTable {
  readonly #owner = new Int32Array(SLOT_COUNT).fill(-1);
  readonly #shards: MutableShard[] = [];

  constructor(shards: readonly ClusterShard[] = []) {
    for (const shard of shards) {
      const index = this.#shards.push({ primary: shard.primary, replicas: [...shard.replicas] }) - 1;
      for (const [start, end] of shard.slots) {
        for (let slot = Math.max(0, start); slot <= Math.min(end, SLOT_COUNT - 1); slot++) this.#owner[slot] = index;
      }
    }
  }

  primaryFor(slot: number): ClusterNodeInfo | undefined {
    const index = this.#owner[slot];
    return index === undefined || index < 0 ? undefined : this.#shards[index]?.primary;
  }

  replicasFor(slot: number): readonly ClusterNodeInfo[] {
    const index = this.#owner[slot];
    return index === undefined || index < 0 ? [] : (this.#shards[index]?.replicas ?? []);
  }

  /** Slots without a primary, as inclusive ranges. Empty when the table covers all 16384 slots. */
  uncoveredRanges(): [number, number][] {
    const ranges: [number, number][] = [];
    let start = -1;
    for (let slot = 0; slot <= SLOT_COUNT; slot++) {
      const free = slot < SLOT_COUNT && this.#owner[slot] === -1;
      if (free && start < 0) start = slot;
      if (!free && start >= 0) {
        ranges.push([start, slot - 1]);
        start = -1;
      }
    }
    return ranges;
  }

  get fullyCovered(): boolean {
    return this.#owner.indexOf(-1) === -1;
  }

  /** MOVED: the slot is served by `node` now. Reuses the shard whose primary has that address, else adds one. */
  assign(slot: number, node: ClusterNodeInfo): void {
    let index = this.#shards.findIndex((s) => s.primary.address === node.address);
    if (index < 0) index = this.#shards.push({ primary: { ...node, role: 'primary' }, replicas: [] }) - 1;
    this.#owner[slot] = index;
  }

  /** Shards with at least one slot, each with its ranges: what ClusterService shows. */
  shards(): ClusterShard[] {
    const ranges: [number, number][][] = this.#shards.map(() => []);
    let start = 0;
    for (let slot = 1; slot <= SLOT_COUNT; slot++) {
      if (slot === SLOT_COUNT || this.#owner[slot] !== this.#owner[start]) {
        const index = this.#owner[start] ?? -1;
        if (index >= 0) ranges[index]?.push([start, slot - 1]);
        start = slot;
      }
    }
    return this.#shards
      .map((s, i) => ({ slots: ranges[i] ?? [], primary: s.primary, replicas: s.replicas }))
      .filter((s) => s.slots.length > 0);
  }

  /** Every node (primaries of shards with slots and their replicas), deduplicated by address. */
  nodes(): ClusterNodeInfo[] {
    const seen = new Map<string, ClusterNodeInfo>();
    for (const shard of this.shards()) {
      seen.set(shard.primary.address, shard.primary);
      for (const r of shard.replicas) if (!seen.has(r.address)) seen.set(r.address, r);
    }
    return [...seen.values()];
  }

  primaries(): ClusterNodeInfo[] {
    return this.shards().map((s) => s.primary);
  }

  /** slot → primary address, compact: used to detect failovers between two tables. */
  primaryAddressOf(slot: number): string | undefined {
    return this.primaryFor(slot)?.address;
  }
}
