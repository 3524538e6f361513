/**
 * The emulator's HTTP front: `/rtc/v1` signalling (WebSocket), the validate endpoints, the Twirp
 * RoomService, and signed webhooks.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  DataPacket,
  DataPacket_Kind,
  DisconnectReason,
  JoinRequest,
  LeaveRequest,
  LeaveRequest_Action,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  MuteRoomTrackRequest,
  MuteRoomTrackResponse,
  ParticipantInfo,
  RemoveParticipantResponse,
  Room as RoomInfo,
  RoomParticipantIdentity,
  SendDataRequest,
  SendDataResponse,
  SignalRequest,
  SignalResponse,
  TrackInfo,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
  UserPacket,
  WebhookEvent,
  WrappedJoinRequest,
  WrappedJoinRequest_Compression,
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  RequestResponse_Reason,
} from '@livekit/protocol';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import type WebSocket from 'ws';
import * as wsModule from 'ws';

// ws 8's ESM entry exports WebSocketServer; the hoisted @types/ws (7.x) only knows WebSocket.Server.
const mod = wsModule as unknown as { WebSocketServer?: typeof WebSocket.Server; default?: { Server: typeof WebSocket.Server } };
const WebSocketServer = (mod.WebSocketServer ?? mod.default!.Server) as typeof WebSocket.Server;
import { Room, defaultLimits, type Claims, type Limits, type Participant } from './room.js';

export interface EmulatorOptions {
  apiKey?: string;
  apiSecret?: string;
  /** Address to listen on and to gather ICE candidates on. Loopback by default. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** URLs that receive signed webhooks (POST). Every webhook is also kept in `webhooks`. */
  webhookUrls?: string[];
  limits?: Partial<Limits>;
  /** How long a participant whose signal connection dropped may resume. Default 10 s. */
  resumeWindowMs?: number;
  /** How long an empty room lives on after its last participant left. Default 20 s, as the server. */
  departureTimeoutMs?: number;
  /**
   * Batch interval for state changes of non-publishers (joins, leaves). Default 3000 ms, as the
   * server (pkg/rtc/room.go:56); 0 sends every participant update at once.
   */
  participantUpdateBatchMs?: number;
  /** Print what the emulator does. */
  verbose?: boolean;
}

export interface RecordedWebhook {
  event: string;
  /** The exact body that was (or would have been) POSTed. */
  body: string;
  /** The Authorization header sent with it (a JWT, as the real server sends it). */
  authorization: string;
  receivedAt: number;
}

export class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class LiveKitEmulator {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly host: string;
  readonly rooms = new Map<string, Room>();
  readonly webhooks: RecordedWebhook[] = [];
  private server: Server;
  private wss: WebSocket.Server;
  private verifier: TokenVerifier;
  private limits: Limits;
  private webhookUrls: string[];
  private resumeWindowMs: number;
  private departureTimeoutMs: number;
  private verbose: boolean;
  private webhookQueue: Promise<void> = Promise.resolve();
  private port = 0;

  constructor(private readonly opts: EmulatorOptions = {}) {
    this.apiKey = opts.apiKey ?? 'devkey';
    this.apiSecret = opts.apiSecret ?? 'secret-secret-secret-secret-secret';
    this.host = opts.host ?? '127.0.0.1';
    this.limits = { ...defaultLimits, ...opts.limits };
    this.webhookUrls = [...(opts.webhookUrls ?? [])];
    this.resumeWindowMs = opts.resumeWindowMs ?? 10_000;
    this.departureTimeoutMs = opts.departureTimeoutMs ?? 20_000;
    this.verbose = opts.verbose ?? false;
    this.verifier = new TokenVerifier(this.apiKey, this.apiSecret);
    this.server = createServer((req, res) => void this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) =>
      this.onUpgrade(req, socket as never, head).catch((e) => {
        console.error('[livekit-emulator] upgrade failed:', e);
        socket.destroy();
      }),
    );
  }

  /** ws:// URL to give livekit-client's `room.connect`. */
  get url() {
    return `ws://${this.host}:${this.port}`;
  }
  /** http:// URL to give livekit-server-sdk's RoomServiceClient. */
  get httpUrl() {
    return `http://${this.host}:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, this.host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.log(`listening on ${this.url}`);
    return this;
  }

  async stop() {
    for (const r of this.rooms.values()) r.close();
    this.rooms.clear();
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.webhookQueue;
  }

  addWebhookUrl(url: string) {
    this.webhookUrls.push(url);
  }

  private log(...args: unknown[]) {
    if (this.verbose) console.log('[livekit-emulator]', ...args);
  }

  private getOrCreateRoom(name: string): Room {
    let r = this.rooms.get(name);
    if (!r) {
      r = new Room(name, this.host, this.limits, {
        webhook: (event, room, participant, track) => this.webhook(event, room, participant, track),
        log: (...a) => this.log(...a),
        error: (what, e) => console.error(`[livekit-emulator] ${what} failed:`, e),
        empty: (room) => {
          // fidelity: server pkg/rtc/room.go:774-807 CloseIfEmpty: a room whose last participant
          // left closes after its departure timeout (20 s by default), then room_finished
          // (pkg/telemetry/events.go:59-65).
          setTimeout(() => {
            if (room.participants.size > 0 || this.rooms.get(room.name) !== room) return;
            room.close();
            this.rooms.delete(room.name);
            this.webhook('room_finished', room.toProto());
          }, this.departureTimeoutMs).unref();
        },
      }, this.opts.participantUpdateBatchMs ?? 3000);
      this.rooms.set(name, r);
      this.webhook('room_started', r.toProto());
    }
    return r;
  }

  // ---------------------------------------------------------------- signalling

  private async verify(token: string | null | undefined): Promise<Claims> {
    if (!token) throw new TwirpError(401, 'unauthenticated', 'no token');
    try {
      return (await this.verifier.verify(token)) as Claims;
    } catch (e) {
      throw new TwirpError(401, 'unauthenticated', `invalid token: ${(e as Error).message}`);
    }
  }

  private parseJoinRequest(url: URL): JoinRequest {
    // fidelity: server pkg/service/rtcservice.go:155-210 decodes `join_request` (base64url
    // WrappedJoinRequest, optionally gzip) — client api/SignalClient.ts:1464-1527 builds it.
    const b64 = url.searchParams.get('join_request');
    if (!b64) throw new TwirpError(400, 'malformed', 'join_request is required');
    try {
      const wrapped = WrappedJoinRequest.fromBinary(Buffer.from(b64, 'base64url'));
      const bytes =
        wrapped.compression === WrappedJoinRequest_Compression.GZIP
          ? gunzipSync(wrapped.joinRequest)
          : wrapped.joinRequest;
      return JoinRequest.fromBinary(bytes);
    } catch {
      throw new TwirpError(400, 'malformed', 'cannot unmarshal join request');
    }
  }

  /** Checks a join; returns the room name and claims, or throws with an HTTP status. */
  private async authorizeJoin(url: URL): Promise<{ claims: Claims; roomName: string }> {
    const claims = await this.verify(url.searchParams.get('access_token'));
    // fidelity: server pkg/service/rtcservice.go:141-149 validateInternal and
    // pkg/service/utils.go:332-385 ValidateConnectRequest: a verified token (else 401), an identity
    // (else 400), a room name (else 400) and the roomJoin grant (else 401).
    if (!claims.sub) throw new TwirpError(400, 'malformed', 'identity cannot be empty');
    if (!claims.video?.room) throw new TwirpError(400, 'malformed', 'room name cannot be empty');
    if (!claims.video.roomJoin) throw new TwirpError(401, 'permission_denied', 'permissions denied');
    return { claims, roomName: claims.video.room };
  }

  private async onUpgrade(req: IncomingMessage, socket: import('node:net').Socket, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://x');
    const refuse = (status: number, msg: string) => {
      socket.end(`HTTP/1.1 ${status} ${msg}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    // fidelity: server pkg/service/rtcservice.go:100-105 routes. Only the single-peer-connection
    // `/rtc/v1` path is emulated; `/rtc` (dual PC) answers 404 so nothing silently half-works.
    if (url.pathname !== '/rtc/v1') return refuse(404, 'Not Found');
    let claims: Claims;
    let roomName: string;
    let join: JoinRequest;
    try {
      ({ claims, roomName } = await this.authorizeJoin(url));
      join = this.parseJoinRequest(url);
    } catch (e) {
      const te = e as TwirpError;
      return refuse(te.status ?? 400, te.message);
    }
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) =>
      this.onSignalConnection(ws, claims, roomName, join).catch((e) => {
        console.error('[livekit-emulator] signal session failed:', e);
        ws.close(1011, 'emulator error');
      }),
    );
  }

  private async onSignalConnection(ws: WebSocket, claims: Claims, roomName: string, join: JoinRequest) {
    ws.binaryType = 'nodebuffer';
    const queue: Buffer[] = [];
    let participant: Participant | undefined;
    let processing: Promise<void> = Promise.resolve();
    const handle = (data: Buffer) => {
      processing = processing.then(async () => {
        if (!participant) return;
        let req: SignalRequest;
        try {
          req = SignalRequest.fromBinary(data);
        } catch {
          return;
        }
        try {
          await participant.handleSignal(req);
        } catch (e) {
          this.log('signal handling failed', e);
        }
      });
    };
    ws.on('message', (data: Buffer) => {
      if (!participant) queue.push(data);
      else handle(data);
    });

    const room = this.getOrCreateRoom(roomName);
    if (join.reconnect) {
      const existing = room.participants.get(claims.sub!);
      if (existing && existing.sid === join.participantSid && !existing.left) {
        // fidelity: server pkg/service/roommanager.go StartSession with reconnect: the session
        // resumes on the same participant and gets a ReconnectResponse first.
        participant = existing;
        room.resume(existing, ws);
      } else {
        // fidelity: server answers a resume it cannot honour with a leave asking for a full
        // reconnect (client api/SignalClient.ts:1294-1301 turns it into a leave-request error).
        ws.send(
          new SignalResponse({
            message: {
              case: 'leave',
              value: new LeaveRequest({
                canReconnect: true,
                reason: DisconnectReason.STATE_MISMATCH,
                action: LeaveRequest_Action.RECONNECT,
              }),
            },
          }).toBinary(),
        );
        ws.close();
        return;
      }
    } else {
      participant = await room.join(claims, join, ws);
      this.log(`${participant.identity} joined ${roomName}`);
    }
    const p = participant;
    for (const d of queue.splice(0)) handle(d);

    ws.on('close', () => {
      if (p.ws !== ws || p.left) return;
      p.ws = undefined;
      // A dropped signal connection without a leave: keep the participant for a resume.
      setTimeout(() => {
        if (!p.ws && !p.left) room.removeParticipant(p, DisconnectReason.CLIENT_INITIATED, false);
      }, this.resumeWindowMs).unref();
    });
  }

  // ---------------------------------------------------------------- HTTP

  private async onHttp(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    // fidelity: server pkg/service/server.go:103-112 allows every origin (rs/cors), so a page on
    // another origin can read the validate answer (livekit-client fetches it after a failed join).
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'OPTIONS, HEAD, GET, POST, PATCH, DELETE',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '86400',
      });
      res.end();
      return;
    }
    try {
      if (url.pathname === '/rtc/validate') {
        // Not 404: the client would read that as "no v1 path" and retry /rtc forever.
        throw new TwirpError(400, 'not_emulated', 'the emulator speaks only /rtc/v1 (RoomOptions.singlePeerConnection true)');
      }
      if (url.pathname === '/rtc/v1/validate') {
        // fidelity: server pkg/service/rtcservice.go:107-125 validate answers 200 "success" or the
        // join's error status; the client (api/SignalClient.ts:1326-1347) reads 401/403 as
        // NotAllowed and 404 as ServiceNotFound (which makes it retry on /rtc, not emulated).
        await this.authorizeJoin(url);
        this.parseJoinRequest(url);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('success');
        return;
      }
      if (url.pathname.startsWith('/twirp/livekit.RoomService/')) {
        const method = url.pathname.slice('/twirp/livekit.RoomService/'.length);
        const body = await readBody(req);
        const out = await this.roomService(method, JSON.parse(body || '{}'), req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
        return;
      }
      // (No /settings/regions: livekit-client asks it only of LiveKit Cloud hosts, room/utils.ts:393-397.)
      throw new TwirpError(404, 'not_found', `no route ${url.pathname}`);
    } catch (e) {
      const te = e instanceof TwirpError ? e : new TwirpError(500, 'internal', String((e as Error)?.message ?? e));
      if (!(e instanceof TwirpError)) this.log('http error', e);
      res.writeHead(te.status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: te.code, msg: te.message }));
    }
  }

  // ---------------------------------------------------------------- RoomService (Twirp, JSON)

  /**
   * fidelity: server pkg/service/roomservice.go; authorisation as in pkg/service/auth.go
   * (Bearer JWT) and EnsureAdminPermission (roomAdmin for that room) / EnsureListPermission.
   * livekit-server-sdk sends Twirp JSON (dist/TwirpRPC.js) and parses with ignoreUnknownFields.
   */
  async roomService(method: string, body: unknown, authorization: string | undefined): Promise<unknown> {
    const token = authorization?.replace(/^Bearer\s+/i, '');
    const claims = await this.verify(token);
    // fidelity: server pkg/service/auth.go:184-195 EnsureAdminPermission needs roomAdmin for
    // exactly that room; refusals go out as twirp Unauthenticated (auth.go:259-261), HTTP 401.
    const denied = () => new TwirpError(401, 'unauthenticated', 'permissions denied');
    const admin = (room: string) => {
      if (!claims.video?.roomAdmin || claims.video.room !== room) throw denied();
    };
    const roomOf = (name: string) => {
      const r = this.rooms.get(name);
      if (!r) throw new TwirpError(404, 'not_found', 'requested room does not exist');
      return r;
    };
    const participantOf = (room: string, identity: string) => {
      const p = roomOf(room).participants.get(identity);
      if (!p) throw new TwirpError(404, 'not_found', 'participant not found');
      return p;
    };
    const opts = { ignoreUnknownFields: true };
    switch (method) {
      case 'CreateRoom': {
        const req = CreateRoomRequest.fromJson(body as never, opts);
        if (!claims.video?.roomCreate) throw denied();
        const r = this.getOrCreateRoom(req.name);
        if (req.metadata) r.metadata = req.metadata;
        return r.toProto().toJson();
      }
      case 'ListRooms': {
        const req = ListRoomsRequest.fromJson(body as never, opts);
        if (!claims.video?.roomList) throw denied();
        const rooms = [...this.rooms.values()]
          .filter((r) => req.names.length === 0 || req.names.includes(r.name))
          .map((r) => r.toProto());
        return new ListRoomsResponse({ rooms }).toJson();
      }
      case 'DeleteRoom': {
        const req = DeleteRoomRequest.fromJson(body as never, opts);
        if (!claims.video?.roomCreate) throw denied();
        const r = roomOf(req.room);
        r.close();
        this.rooms.delete(req.room);
        return new DeleteRoomResponse().toJson();
      }
      case 'ListParticipants': {
        const req = ListParticipantsRequest.fromJson(body as never, opts);
        admin(req.room);
        const participants = [...roomOf(req.room).participants.values()].map((p) => p.toProto());
        return new ListParticipantsResponse({ participants }).toJson();
      }
      case 'GetParticipant': {
        const req = RoomParticipantIdentity.fromJson(body as never, opts);
        admin(req.room);
        return participantOf(req.room, req.identity).toProto().toJson();
      }
      case 'RemoveParticipant': {
        const req = RoomParticipantIdentity.fromJson(body as never, opts);
        admin(req.room);
        const p = participantOf(req.room, req.identity);
        // fidelity: server pkg/service/roommanager.go:846-855 -> room.RemoveParticipant with
        // ParticipantCloseReasonServiceRequestRemoveParticipant (client sees PARTICIPANT_REMOVED).
        p.room.removeParticipant(p, DisconnectReason.PARTICIPANT_REMOVED, true);
        return new RemoveParticipantResponse().toJson();
      }
      case 'MutePublishedTrack': {
        const req = MuteRoomTrackRequest.fromJson(body as never, opts);
        admin(req.room);
        const p = participantOf(req.room, req.identity);
        // fidelity: server pkg/service/roommanager.go:857-874; remote unmute is off by default
        // (config room.enable_remote_unmute).
        if (!req.muted) throw new TwirpError(400, 'invalid_argument', 'remote unmute not enabled');
        const track = p.setTrackMuted(req.trackSid, req.muted, true);
        if (!track) throw new TwirpError(404, 'not_found', 'track not found');
        return new MuteRoomTrackResponse({ track }).toJson();
      }
      case 'UpdateParticipant': {
        const req = UpdateParticipantRequest.fromJson(body as never, opts);
        admin(req.room);
        const p = participantOf(req.room, req.identity);
        // fidelity: server pkg/service/roommanager.go:876-897: metadata/name/attributes as an
        // admin update, then the permission replaced whole (SetPermission).
        const reason = p.onUpdateMetadata(
          { name: req.name, metadata: req.metadata, attributes: req.attributes, requestId: 0 },
          true,
        );
        if (reason !== RequestResponse_Reason.OK) {
          throw new TwirpError(400, 'invalid_argument', 'metadata or attributes exceed limits');
        }
        if (req.permission) p.setPermission(req.permission);
        return p.toProto().toJson();
      }
      case 'UpdateRoomMetadata': {
        const req = UpdateRoomMetadataRequest.fromJson(body as never, opts);
        admin(req.room);
        const r = roomOf(req.room);
        // fidelity: server pkg/service/roomservice.go:332-338 checks MaxMetadataSize.
        if (Buffer.byteLength(req.metadata) > this.limits.maxMetadataSize) {
          throw new TwirpError(400, 'invalid_argument', 'metadata size exceeds limits');
        }
        r.setMetadata(req.metadata);
        return r.toProto().toJson();
      }
      case 'SendData': {
        const req = SendDataRequest.fromJson(body as never, opts);
        admin(req.room);
        const r = roomOf(req.room);
        // fidelity: server pkg/service/roommanager.go:967-988: a user packet with no sender
        // identity, to the listed identities/sids or everyone.
        const dp = new DataPacket({
          kind: req.kind,
          destinationIdentities: req.destinationIdentities,
          value: {
            case: 'user',
            value: new UserPacket({
              payload: req.data,
              destinationSids: req.destinationSids,
              destinationIdentities: req.destinationIdentities,
              topic: req.topic,
              nonce: req.nonce,
            }),
          },
        });
        r.deliver(dp, req.kind === DataPacket_Kind.LOSSY ? '_lossy' : '_reliable');
        return new SendDataResponse().toJson();
      }
      default:
        throw new TwirpError(404, 'bad_route', `RoomService.${method} is not emulated`);
    }
  }

  // ---------------------------------------------------------------- webhooks

  /**
   * fidelity: server pkg/telemetry/events.go builds WebhookEvent; livekit/protocol
   * webhook/url_notifier.go:266-300 posts the protojson body with `Authorization: <JWT>` (valid
   * 5 min) whose `sha256` claim is the base64 SHA-256 of the body, Content-Type
   * application/webhook+json (webhook/consts.go) — what livekit-server-sdk's
   * WebhookReceiver.receive(body, authHeader) checks.
   */
  private webhook(event: string, room: RoomInfo, participant?: ParticipantInfo, track?: TrackInfo) {
    const ev = new WebhookEvent({
      event,
      room,
      participant,
      track,
      id: `EV_${Math.random().toString(36).slice(2, 14)}`,
      createdAt: BigInt(Math.floor(Date.now() / 1000)),
    });
    const body = ev.toJsonString();
    const sha = createHash('sha256').update(body).digest('base64');
    this.webhookQueue = this.webhookQueue.then(async () => {
      const at = new AccessToken(this.apiKey, this.apiSecret, { ttl: 300 });
      at.sha256 = sha;
      const authorization = await at.toJwt();
      this.webhooks.push({ event, body, authorization, receivedAt: Date.now() });
      for (const u of this.webhookUrls) {
        try {
          await fetch(u, {
            method: 'POST',
            headers: { 'content-type': 'application/webhook+json', authorization },
            body,
            signal: AbortSignal.timeout(2000),
          });
        } catch (e) {
          this.log(`webhook to ${u} failed`, e);
        }
      }
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts an emulator on loopback (random port unless given). */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<LiveKitEmulator> {
  return new LiveKitEmulator(opts).start();
}
