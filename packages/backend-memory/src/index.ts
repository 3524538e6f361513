/**
 * @micseat/backend-memory — the room in the page, for demos, Storybook and tests.
 *
 *   const room = createMemoryRoom({ config: { seatCount: 9 } });
 *   const host = room.join('alice', 'host');
 *   const listener = room.join('bob', 'audience', { media: { micFailure: 'denied' } });
 *   room.setFaults({ drop: 0.1, duplicate: 0.1, reorder: 0.1 });
 */
import type { MemberRole, RoomConfigInput } from '@micseat/core';
import { BroadcastLevelHub, BroadcastTransport, serveOverBroadcastChannel, type PresenceOptions } from './broadcast.js';
import { MemoryRoomBackend, type MemoryClientOptions } from './client.js';
import { checkFaults, type FaultConfig } from './faults.js';
import { MemoryLink, MemoryRoomServer, type MemoryRoomServerOptions } from './server.js';

export { MemoryRoomBackend, type MemoryClientOptions, type ClientTransport } from './client.js';
export { MemoryRoomServer, MemoryLink, type ServerLink, type MemoryRoomServerOptions } from './server.js';
export { FaultyPipe, seededRandom, checkFaults, type FaultConfig, type FaultStats } from './faults.js';
export { MemoryMedia, type MemoryMediaOptions, type LevelHub } from './media.js';
export {
  serveOverBroadcastChannel,
  BroadcastTransport,
  BroadcastLevelHub,
  DEFAULT_HEARTBEAT_MS,
  type PresenceOptions,
} from './broadcast.js';

export interface MemoryRoom {
  readonly server: MemoryRoomServer;
  /** A new client for `identity`, vouched for with `role` (as a token would). Call `connect()` on it. */
  join(identity: string, role?: MemberRole, options?: MemoryClientOptions): MemoryRoomBackend;
  /** Faults on every link, now and for links made later. */
  setFaults(faults: FaultConfig): void;
  /** Faults on one client's link. */
  setFaultsFor(identity: string, faults: FaultConfig): void;
  /** Cuts a client's network (it enters the reconnect grace) and brings it back. */
  drop(identity: string): void;
  resume(identity: string): void;
  /** Serves this room to other tabs on a BroadcastChannel. */
  serveTabs(channelName: string, options?: PresenceOptions): () => void;
  readonly clients: ReadonlyMap<string, MemoryRoomBackend>;
  close(): void;
}

export function createMemoryRoom(options: MemoryRoomServerOptions = {}): MemoryRoom {
  const server = new MemoryRoomServer(options);
  const links = new Map<string, MemoryLink>();
  const clients = new Map<string, MemoryRoomBackend>();
  let faults: FaultConfig = {};
  const hub = {
    publish: (id: string, level: number) => server.publishLevel(id, level),
    onLevels: server.onLevels.bind(server),
  };
  return {
    server,
    clients,
    join(identity, role = 'audience', clientOptions = {}) {
      const link = new MemoryLink(server, identity, role);
      link.setFaults(faults);
      links.set(identity, link);
      const client = new MemoryRoomBackend(identity, link, { ...clientOptions, levels: hub });
      clients.set(identity, client);
      return client;
    },
    setFaults(f) {
      faults = checkFaults({ ...f });
      for (const link of links.values()) link.setFaults(faults);
    },
    setFaultsFor(identity, f) {
      links.get(identity)?.setFaults(checkFaults({ ...f }));
    },
    drop(identity) {
      clients.get(identity)?.drop();
    },
    resume(identity) {
      clients.get(identity)?.resume();
    },
    serveTabs(channelName, options) {
      return serveOverBroadcastChannel(server, channelName, options);
    },
    close() {
      for (const c of clients.values()) void c.disconnect();
      server.close();
    },
  };
}

/** Joins a room served by another tab (see `MemoryRoom.serveTabs`). */
export function joinOverBroadcastChannel(
  channelName: string,
  identity: string,
  role: MemberRole = 'audience',
  options: MemoryClientOptions & PresenceOptions = {},
): MemoryRoomBackend {
  return new MemoryRoomBackend(identity, new BroadcastTransport(channelName, identity, role, options), {
    ...options,
    levels: new BroadcastLevelHub(channelName),
  });
}

export type { RoomConfigInput };

export { connectDemoRooms, closeDemoRooms, observeDemoRooms, startDemoRooms, type DemoWiring } from './demo.js';
