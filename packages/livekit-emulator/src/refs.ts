/**
 * Where the behaviour this emulator copies can be read in the real code.
 *
 * Server paths are in github.com/livekit/livekit at commit 788d4c354474383956067e3a22ffba88dd4803e4
 * (fetched 2026-11; line numbers are for that commit). Client paths are in livekit-client 2.23.0 as
 * installed (node_modules/livekit-client/src/...). Protocol types are @livekit/protocol 1.52.1.
 *
 * Each rule in the emulator carries a `// fidelity:` comment naming one of these places.
 */
export const SERVER_COMMIT = '788d4c354474383956067e3a22ffba88dd4803e4';
/** github.com/livekit/protocol (auth/grants.go, webhook/url_notifier.go). */
export const PROTOCOL_COMMIT = 'd74e7cdb9835928ffa9c6bc6b3e4c7f07de61c43';
