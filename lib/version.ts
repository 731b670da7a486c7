/** Library name reported to the server with `CLIENT SETINFO LIB-NAME`. */
export const LIB_NAME = 'redwire';
/** Library version reported with `CLIENT SETINFO LIB-VER`; keep in step with package.json. */
export const LIB_VERSION = '0.1.0';
