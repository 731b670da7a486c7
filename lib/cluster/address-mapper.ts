import type { AddressMapper, AnnouncedAddress } from './cluster-topology.js';

/** A table from announced `host:port` (or bare `host`) to the address to use instead (Docker/NAT setups). */
export type NatMap = Readonly<Record<string, { host: string; port?: number }>>;

/** A function form for anything a table can't express (e.g. rewriting every private IP to one proxy). */
export type AddressMapFn = (announced: AnnouncedAddress) => AnnouncedAddress;

/**
 * Builds the mapper applied to every address a node announces (slot table, MOVED, ASK).
 * The table is tried first by `host:port`, then by `host` (keeping the port); the function is applied after it.
 * Host names are kept as names: the pool resolves them on every (re)connect.
 */
export function createAddressMapper(natMap?: NatMap, addressMap?: AddressMapFn): AddressMapper {
  if (natMap === undefined && addressMap === undefined) return (a) => a;
  return (announced) => {
    let out = announced;
    if (natMap !== undefined) {
      const hit = natMap[`${announced.host}:${announced.port}`] ?? natMap[announced.host];
      if (hit !== undefined) out = { host: hit.host, port: hit.port ?? announced.port };
    }
    return addressMap === undefined ? out : addressMap(out);
  };
}
