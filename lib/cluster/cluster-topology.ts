/** One node of the cluster as discovered from CLUSTER SHARDS / CLUSTER SLOTS (after address mapping). */
export interface ClusterNodeInfo {
  /** `host:port`: the key of the node's pool. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  /** Node id (40 hex chars) when the server reported it. */
  readonly id: string | undefined;
  readonly role: 'primary' | 'replica';
  /** `online`, `failed` or `loading`, from CLUSTER SHARDS; `online` on servers without it (CLUSTER SLOTS omits failed replicas). */
  readonly health: string;
}

/** A shard: one primary, its replicas and the slot ranges it serves (inclusive). */
export interface ClusterShard {
  readonly slots: readonly (readonly [number, number])[];
  readonly primary: ClusterNodeInfo;
  readonly replicas: readonly ClusterNodeInfo[];
}

/** What a node announced before address mapping; the parser hands these to the mapper. */
export interface AnnouncedAddress {
  host: string;
  port: number;
}

/** Turns an announced address into the one to connect to (addressMap/natMap, "same host as asked" rules). */
export type AddressMapper = (announced: AnnouncedAddress) => AnnouncedAddress;
