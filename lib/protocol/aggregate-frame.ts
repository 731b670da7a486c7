import type { RespMap, RespValue } from './resp-value.js';

/* One level of RespDecoder's stack of open aggregates; frames are reused from reply to reply. */

export class AggregateFrame {
  /** The aggregate's type byte. */
  kind = 0;
  /** Elements still to come (keys and values count separately for maps and attributes). */
  remaining = 0;
  /** Next index in `items`. */
  index = 0;
  /** Elements of an array, set or push; null otherwise and when unused. */
  items: RespValue[] | null = null;
  /** Entries of a map or attribute; null otherwise and when unused. */
  map: RespMap | null = null;
  /** A map key waiting for its value. */
  key: string | null = null;
}
