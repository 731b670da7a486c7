import { DataError } from '../../errors/index.js';
import type { ErasedMethodSpec } from './method-spec.js';

/** What buildCommandCall checks on every call of one typed method, compiled once from its `params` / `options`. */
export interface ParamCheck {
  /** The method's name (`set`, `xgroupCreate`). */
  readonly method: string;
  readonly names: readonly string[];
  /** Most positional arguments accepted; Infinity with a rest parameter. */
  readonly max: number;
  /** Index of the options-object parameter (always the last one), -1 when there is none. */
  readonly optionsAt: number;
  /** The options object is not optional (`xtrim(key, options)`, `clientKill(filter)`). */
  readonly optionsRequired: boolean;
  readonly optionKeys: Readonly<Record<string, true>> | undefined;
}

export function compileParamCheck(method: string, names: readonly string[], optionKeys?: Readonly<Record<string, true>>): ParamCheck {
  const restAt = names.findIndex((n) => n.startsWith('...'));
  if (restAt !== -1 && restAt !== names.length - 1) throw new TypeError(`${method}: only the last parameter may be a rest parameter`);
  if (optionKeys !== undefined && (names.length === 0 || restAt !== -1)) {
    throw new TypeError(`${method}: an options object must be the last, non-rest parameter`);
  }
  return {
    method,
    names,
    max: restAt === -1 ? names.length : Number.POSITIVE_INFINITY,
    optionsAt: optionKeys === undefined ? -1 : names.length - 1,
    optionsRequired: optionKeys !== undefined && !names[names.length - 1]!.endsWith('?'),
    optionKeys,
  };
}

/**
 * Throws DataError unless `params` fit the method: no more positional arguments than it takes, and the options
 * object a plain object with known keys only (present when it is not optional). Hot path: one integer compare;
 * the key walk runs only when an options object is passed.
 */
export function checkParams(spec: ErasedMethodSpec, params: readonly unknown[]): void {
  const check = spec.check;
  if (params.length > check.max) throw paramError(spec, params);
  if (check.optionsAt !== -1) {
    const options = params[check.optionsAt];
    if (options === undefined ? check.optionsRequired : !hasOnlyKeys(options, check.optionKeys!)) throw paramError(spec, params);
  }
}

function isOptionsObject(value: unknown): value is object {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
    && !(value instanceof Map) && !(value instanceof Set)
  );
}

function hasOnlyKeys(value: unknown, keys: Readonly<Record<string, true>>): boolean {
  if (!isOptionsObject(value)) return false;
  for (const key in value) if (!Object.hasOwn(keys, key)) return false;
  return true;
}

// ---- error path: says which argument, what the method takes and what to write instead -------------------------

function paramError(spec: ErasedMethodSpec, params: readonly unknown[]): DataError {
  const check = spec.check;
  const command = commandOf(spec, params);
  const takes = `${check.method} takes (${check.names.join(', ')})`;
  const raw = `call('${command.split(' ')[0]}', ...) for raw tokens`;
  const instead = check.optionsAt === -1 ? `use ${raw}` : `use ${check.method}(${exampleCall(check, params)}), or ${raw}`;
  const options = check.optionsAt === -1 ? undefined : params[check.optionsAt];
  if (options === undefined && check.optionsRequired && params.length <= check.max) {
    return new DataError(`${command}: missing argument ${check.optionsAt + 1} (${check.names[check.optionsAt]}); ${takes} - ${instead}`, { command });
  }
  if (options !== undefined && isOptionsObject(options)) {
    const unknown = Object.keys(options).find((k) => !Object.hasOwn(check.optionKeys!, k));
    if (unknown !== undefined) {
      const known = Object.keys(check.optionKeys!).join(', ');
      return new DataError(
        `${command}: unknown option ${describeKey(unknown)} in argument ${check.optionsAt + 1}; ${takes} with options { ${known} } - or use ${raw}`,
        { command },
      );
    }
  }
  const at = options !== undefined && !isOptionsObject(options) ? check.optionsAt : check.max;
  const offending = describeArg(params[at], check.optionKeys);
  return new DataError(`${command}: unexpected argument ${offending} at position ${at + 1}; ${takes} - ${instead}`, { command });
}

/**
 * The command name (and subcommand) the method sends, from its args for the understood parameters; the method
 * name when those cannot be built. Error path only.
 */
function commandOf(spec: ErasedMethodSpec, params: readonly unknown[]): string {
  const check = spec.check;
  const understood = params.slice(0, Math.min(params.length, check.max));
  if (check.optionsAt !== -1 && check.optionsAt < understood.length) understood[check.optionsAt] = undefined;
  let args: unknown[];
  try {
    args = spec.args(...understood);
  } catch {
    // clientKill → CLIENT KILL; only a label for the message.
    return check.method.replace(/[A-Z]/g, ' $&').toUpperCase();
  }
  const name = String(args[0]).toUpperCase();
  // xgroupCreate → XGROUP CREATE, clientNoEvict → CLIENT NO-EVICT: the method name carries the subcommand.
  const rest = check.method.slice(name.length).toLowerCase();
  const sub = typeof args[1] === 'string' ? args[1] : '';
  return rest !== '' && rest === sub.toLowerCase().replace(/-/g, '') ? `${name} ${sub.toUpperCase()}` : name;
}

/** `key, value, { PX: 2000, NX: true }`: the call written with an options object, from the tokens given. */
function exampleCall(check: ParamCheck, params: readonly unknown[]): string {
  const before = check.names.slice(0, check.optionsAt).map((n) => n.replace(/\?$/, ''));
  const tokens = params.slice(check.optionsAt).filter((p) => !isOptionsObject(p));
  return [...before, optionsFromTokens(check, tokens) ?? '{ ... }'].join(', ');
}

function optionsFromTokens(check: ParamCheck, tokens: readonly unknown[]): string | undefined {
  const parts: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const key = knownKey(check.optionKeys, tokens[i]);
    if (key === undefined) return undefined;
    const next = tokens[i + 1];
    if (next !== undefined && knownKey(check.optionKeys, next) === undefined) {
      parts.push(`${key}: ${typeof next === 'number' ? next : '...'}`);
      i++;
    } else {
      parts.push(`${key}: true`);
    }
  }
  return parts.length === 0 ? undefined : `{ ${parts.join(', ')} }`;
}

/** The option key a token names (case-insensitive), if any. */
function knownKey(keys: Readonly<Record<string, true>> | undefined, token: unknown): string | undefined {
  if (keys === undefined || typeof token !== 'string') return undefined;
  const upper = token.toUpperCase();
  return Object.keys(keys).find((k) => k.toUpperCase() === upper);
}

/** An argument as the message shows it: keyword-like strings and numbers verbatim, anything else by kind only (it may be a secret). */
function describeArg(value: unknown, keys: Readonly<Record<string, true>> | undefined): string {
  if (typeof value === 'string') {
    return /^[A-Z][A-Z0-9_-]{0,19}$/.test(value) || knownKey(keys, value) !== undefined
      ? `'${value}'`
      : `(a string of ${value.length} character${value.length === 1 ? '' : 's'})`;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return `(a Buffer of ${value.length} bytes)`;
  if (Array.isArray(value)) return `(an array of ${value.length})`;
  return `(${value instanceof Map ? 'a Map' : typeof value === 'object' ? 'an object' : typeof value})`;
}

function describeKey(key: string): string {
  return /^[A-Za-z_$][\w$-]{0,39}$/.test(key) ? `'${key}'` : `(a key of ${key.length} characters)`;
}

/**
 * Throws DataError unless `value` is an object whose keys are exactly one of `shapes` (a nested option such as
 * zrange's `LIMIT: { offset, count }` or geosearch's `from` / `by`): the method-table check sees only the top level.
 */
export function checkShape(command: string, what: string, value: unknown, shapes: readonly (readonly string[])[]): void {
  if (isOptionsObject(value)) {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (shapes.some((shape) => shape.length === keys.length && shape.every((k) => keys.includes(k)))) return;
  }
  const given = isOptionsObject(value) ? `{ ${Object.keys(value).map(describeKey).join(', ')} }` : describeArg(value, undefined);
  throw new DataError(`${command}: ${what} takes ${shapes.map((s) => `{ ${s.join(', ')} }`).join(' or ')}, got ${given}. Nothing was sent.`, { command });
}
