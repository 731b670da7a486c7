/** Query keys whose values are secrets (matched after percent-decoding the key). */
const SECRET_QUERY_KEY = /pass|secret|token|credential/i;

function decodedKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Without '@', 'redis://user:secret' puts the password where a port goes: mask any port that is not digits. */
function maskNonNumericPorts(url: string): string {
  const slashes = url.indexOf('//');
  const start = slashes === -1 ? 0 : slashes + 2;
  const end = url.slice(start).search(/[/?#]/);
  const authority = end === -1 ? url.slice(start) : url.slice(start, start + end);
  const masked = authority.split(',').map((host) => {
    const colon = host.lastIndexOf(':');
    if (colon === -1 || host.endsWith(']') || /^\d*$/.test(host.slice(colon + 1))) return host;
    return `${host.slice(0, host.indexOf(':') + 1)}***`;
  }).join(',');
  return url.slice(0, start) + masked + url.slice(start + authority.length);
}

/**
 * The URL with its password (and secret query values) replaced by `***`, for messages. Works on any string, valid
 * URL or not: everything between the authority start (after the last '//' before it, else the start) and the last
 * '@' is credentials, so an unencoded '@', '?', '#' or '/' in a password, a leading space or a mistyped scheme
 * never shows part of it. A lone userinfo (`redis://secret@host`) is hidden too: it may be a password by mistake.
 */
export function redactRedisUrl(url: string): string {
  let head = '';
  let tail: string;
  const at = url.lastIndexOf('@');
  if (at !== -1) {
    const slashes = url.lastIndexOf('//', at);
    const start = slashes === -1 ? 0 : slashes + 2;
    const userinfo = url.slice(start, at);
    const colon = userinfo.indexOf(':');
    head = `${url.slice(0, start)}${colon === -1 ? '' : userinfo.slice(0, colon + 1)}***@`;
    tail = url.slice(at + 1);
  } else {
    tail = maskNonNumericPorts(url);
  }
  const q = tail.indexOf('?');
  if (q === -1) return head + tail;
  const pairs = tail.slice(q + 1).split(/([&;#])/);
  for (let i = 0; i < pairs.length; i += 2) {
    const pair = pairs[i] ?? '';
    const eq = pair.indexOf('=');
    if (eq !== -1 && SECRET_QUERY_KEY.test(decodedKey(pair.slice(0, eq)))) pairs[i] = `${pair.slice(0, eq)}=***`;
  }
  return `${head}${tail.slice(0, q + 1)}${pairs.join('')}`;
}
