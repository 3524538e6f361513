/**
 * Rooms and participants: the state a LiveKit SFU keeps, and the rules it applies to it.
 * Server line references are to livekit/livekit at the commit in refs.ts.
 */
import {
  AddTrackRequest,
  ClientConfiguration,
  DataPacket,
  DataPacket_Kind,
  DisconnectReason,
  JoinRequest,
  JoinResponse,
  LeaveRequest,
  LeaveRequest_Action,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  ParticipantUpdate,
  ReconnectResponse,
  RequestResponse,
  RequestResponse_Reason,
  Room as RoomInfo,
  ServerInfo,
  ServerInfo_Edition,
  SessionDescription,
  SignalRequest,
  SignalResponse,
  SpeakerInfo,
  SpeakersChanged,
  TrackInfo,
  TrackPublishedResponse,
  TrackSource,
  TrackType,
  TrackUnpublishedResponse,
  MediaSectionsRequirement,
  RoomUpdate,
  MuteTrackRequest as MuteMsg,
  Pong,
  UpdateParticipantMetadata,
  TrackSubscribed,
} from '@livekit/protocol';
import type WebSocket from 'ws';

type SignalRequestSimulate = Extract<SignalRequest['message'], { case: 'simulate' }>['value']['scenario'];
import { Peer, cloneRtp, MediaStreamTrack, type UpstreamAudio } from './peer.js';
import { AudioLevel, defaultAudioLevelConfig } from './audiolevel.js';

export const SERVER_VERSION = '1.9.99-emulator';

export interface Limits {
  /** fidelity: server pkg/config/config.go:557 MaxMetadataSize 512 KiB. */
  maxMetadataSize: number;
  /** fidelity: server pkg/config/config.go:558 MaxAttributesSize 64 KiB (keys + values of the update). */
  maxAttributesSize: number;
  /** fidelity: server pkg/config/config.go:561 MaxParticipantNameLength 256. */
  maxNameLength: number;
}

export const defaultLimits: Limits = {
  maxMetadataSize: 512 * 1024,
  maxAttributesSize: 64 * 1024,
  maxNameLength: 256,
};

/** The `video` grant as livekit-server-sdk writes it into the JWT. */
export interface VideoGrantClaims {
  room?: string;
  roomJoin?: boolean;
  roomAdmin?: boolean;
  roomList?: boolean;
  roomCreate?: boolean;
  canPublish?: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  canPublishSources?: string[];
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
  recorder?: boolean;
  agent?: boolean;
}

export interface Claims {
  sub?: string;
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  kind?: string;
  video?: VideoGrantClaims;
}

const sourceByName: Record<string, TrackSource> = {
  camera: TrackSource.CAMERA,
  microphone: TrackSource.MICROPHONE,
  screen_share: TrackSource.SCREEN_SHARE,
  screen_share_audio: TrackSource.SCREEN_SHARE_AUDIO,
};

/**
 * fidelity: livekit/protocol auth/grants.go:446-460 `VideoGrant.ToPermission` with the getters at
 * lines 319-375: canPublish and canSubscribe default to true, canPublishData defaults to the
 * value of canPublish (so a token with canPublish false and no canPublishData cannot send data),
 * canUpdateOwnMetadata defaults to false. (livekit/protocol at commit
 * d74e7cdb9835928ffa9c6bc6b3e4c7f07de61c43.)
 */
export function permissionFromGrant(v: VideoGrantClaims = {}): ParticipantPermission {
  return new ParticipantPermission({
    canPublish: v.canPublish ?? true,
    canSubscribe: v.canSubscribe ?? true,
    canPublishData: v.canPublishData ?? v.canPublish ?? true,
    canUpdateMetadata: v.canUpdateOwnMetadata ?? false,
    canPublishSources: (v.canPublishSources ?? []).map((s) => sourceByName[s]).filter((s) => s !== undefined),
    hidden: v.hidden ?? false,
    recorder: v.recorder ?? false,
    agent: v.agent ?? false,
  });
}

/** fidelity: livekit/protocol auth/grants.go:326-341 `GetCanPublishSource`: an empty list allows every source. */
function canPublishSource(p: ParticipantPermission, source: TrackSource): boolean {
  if (!p.canPublish) return false;
  return p.canPublishSources.length === 0 || p.canPublishSources.includes(source);
}

let sidCounter = 0;
function newSid(prefix: string): string {
  sidCounter += 1;
  const rand = Math.random().toString(36).slice(2, 10);
  return `${prefix}_${rand}${sidCounter.toString(36)}`;
}

export interface Hooks {
  webhook(event: string, room: RoomInfo, participant?: ParticipantInfo, track?: TrackInfo): void;
  log(...args: unknown[]): void;
  /** Something the emulator cannot handle: always printed. */
  error(what: string, e: unknown): void;
  /** The last participant left. */
  empty(room: Room): void;
}

interface PublishedTrack {
  info: TrackInfo;
  cid: string;
  upstream?: UpstreamAudio;
  /** Forwarded copies, by subscriber sid. */
  downstream: Map<string, { track: MediaStreamTrack; stop: () => void }>;
  /** Speaker detection, as the server's pkg/sfu/audio/audiolevel.go. */
  audioLevel: AudioLevel;
  /** Whether a TrackSubscribed has been sent to the publisher. */
  everSubscribed: boolean;
}

export class Participant {
  readonly sid = newSid('PA');
  readonly identity: string;
  name: string;
  metadata: string;
  attributes: Record<string, string>;
  permission: ParticipantPermission;
  kind: ParticipantInfo_Kind;
  state = ParticipantInfo_State.JOINING;
  version = 0;
  readonly joinedAtMs = Date.now();
  readonly tracks = new Map<string, PublishedTrack>(); // by track sid
  peer: Peer;
  ws: WebSocket | undefined;
  autoSubscribe: boolean;
  /**
   * fidelity: server pkg/rtc/participant.go:2275-2290 setIsPublisher (true on the first published
   * track, lines 1438/2396) and :846/874 (SetPermission: canPublish && publisher transport up).
   */
  isPublisher = false;
  private everPublished = false;
  markPublished() {
    this.everPublished = true;
    this.isPublisher = true;
  }
  /** Explicit UpdateSubscription choices, by track sid (true = subscribe, false = unsubscribe). */
  readonly subscriptionChoice = new Map<string, boolean>();
  left = false;

  constructor(
    readonly room: Room,
    claims: Claims,
    join: JoinRequest,
    ws: WebSocket,
  ) {
    this.identity = claims.sub ?? '';
    this.name = claims.name ?? '';
    this.metadata = claims.metadata ?? '';
    this.attributes = { ...(claims.attributes ?? {}) };
    this.permission = permissionFromGrant(claims.video);
    this.kind = kindFromClaim(claims.kind);
    this.autoSubscribe = join.connectionSettings?.autoSubscribe ?? true;
    this.ws = ws;
    this.peer = this.createPeer();
  }

  private createPeer(): Peer {
    return new Peer(
      {
        onAnswer: (sdp, offerId, midToTrackId) =>
          this.send({
            case: 'answer',
            value: new SessionDescription({ type: 'answer', sdp, id: offerId, midToTrackId }),
          }),
        onMediaSectionsRequirement: (numAudios, numVideos) =>
          this.send({ case: 'mediaSectionsRequirement', value: new MediaSectionsRequirement({ numAudios, numVideos }) }),
        onUpstreamAudio: (up) => this.room.onUpstream(this, up),
        onUpstreamEnded: (mid) => {
          const t = [...this.tracks.values()].find((x) => x.upstream?.mid === mid);
          if (t) this.room.unpublish(this, t.info.sid, true, false);
        },
        onDataMessage: (label, data) => this.room.onData(this, label, data),
        onDataChannelOpen: () => undefined,
        onError: (e) => this.room.hooks.error(`peer connection of ${this.identity}`, e),
        onConnectionState: (s) => {
          if (s === 'connected' && this.state !== ParticipantInfo_State.ACTIVE && !this.left) {
            this.state = ParticipantInfo_State.ACTIVE;
            this.bump();
            // fidelity: server pkg/rtc/room.go:1236-1240 onStateChange broadcasts skipping the source.
            this.room.broadcast(this, { skipSource: true });
            // fidelity: server pkg/telemetry/events.go:108-121 sends participant_joined when the
            // participant becomes active.
            this.room.hooks.webhook('participant_joined', this.room.toProto(), this.toProto());
          }
        },
      },
      { host: this.room.host },
    );
  }

  bump() {
    this.version += 1;
  }

  toProto(): ParticipantInfo {
    return new ParticipantInfo({
      sid: this.sid,
      identity: this.identity,
      name: this.name,
      state: this.state,
      metadata: this.metadata,
      attributes: { ...this.attributes },
      joinedAt: BigInt(Math.floor(this.joinedAtMs / 1000)),
      joinedAtMs: BigInt(this.joinedAtMs),
      version: this.version,
      permission: this.permission.clone(),
      isPublisher: this.isPublisher,
      kind: this.kind,
      tracks: [...this.tracks.values()].filter((t) => t.upstream).map((t) => t.info.clone()),
    });
  }

  send(message: SignalResponse['message']) {
    if (message.case !== 'pong' && message.case !== 'pongResp') this.room.hooks.log(`${this.identity} <- ${message.case}`);
    if (!this.ws || this.ws.readyState !== 1) return;
    this.ws.send(new SignalResponse({ message }).toBinary());
  }

  /** Handles one SignalRequest from this participant's client. */
  async handleSignal(req: SignalRequest) {
    const m = req.message;
    if (m.case !== 'ping' && m.case !== 'pingReq') this.room.hooks.log(`${this.identity} -> ${m.case}`);
    switch (m.case) {
      case 'offer':
        await this.peer.handleOffer(m.value.sdp, m.value.id);
        break;
      case 'answer':
        // single-PC mode never has the server offer; nothing to do.
        break;
      case 'trickle':
        try {
          this.peer.addIceCandidate(JSON.parse(m.value.candidateInit));
        } catch {
          /* malformed candidate: ignored, as pion would reject it */
        }
        break;
      case 'addTrack':
        this.onAddTrack(m.value);
        break;
      case 'mute':
        this.setTrackMuted(m.value.sid, m.value.muted, false);
        break;
      case 'updateMetadata':
        this.onUpdateMetadata(m.value);
        break;
      case 'leave':
        this.room.removeParticipant(this, DisconnectReason.CLIENT_INITIATED, false);
        break;
      case 'ping':
        // fidelity: client api/SignalClient.ts:903-917 sends both ping and pingReq; the server
        // answers ping with pong (its own time in ms) and pingReq with pongResp
        // (server pkg/service/rtcservice.go:646-670).
        this.send({ case: 'pong', value: BigInt(Date.now()) });
        break;
      case 'pingReq':
        this.send({ case: 'pongResp', value: new Pong({ lastPingTimestamp: m.value.timestamp, timestamp: BigInt(Date.now()) }) });
        break;
      case 'subscription': {
        // fidelity: server pkg/rtc/signalling/signalhandler.go:72-79 -> HandleUpdateSubscriptions:
        // a client (autoSubscribe off, or RemoteTrackPublication.setSubscribed) picks tracks by sid.
        const sids = [...m.value.trackSids, ...m.value.participantTracks.flatMap((pt) => pt.trackSids)];
        for (const sid of sids) {
          this.subscriptionChoice.set(sid, m.value.subscribe);
          this.room.applySubscription(this, sid);
        }
        break;
      }
      case 'simulate':
        this.room.simulate(this, m.value.scenario);
        break;
      case 'trackSetting':
      case 'updateLayers':
      case 'subscriptionPermission':
      case 'syncState':
      case 'updateAudioTrack':
      case 'updateVideoTrack':
      default:
        // Accepted and ignored (see README departures).
        break;
    }
  }

  private onAddTrack(req: AddTrackRequest) {
    // fidelity: server pkg/rtc/participant.go:1343-1372 AddTrack: a source the permission does not
    // allow is answered with RequestResponse NOT_ALLOWED, a type other than audio/video with
    // UNSUPPORTED_TYPE; otherwise TrackPublishedResponse. (The client also checks locally first:
    // client room/participant/LocalParticipant.ts:1013-1027.)
    const refuse = (reason: RequestResponse_Reason) =>
      this.send({
        case: 'requestResponse',
        value: new RequestResponse({ reason, request: { case: 'addTrack', value: req } }),
      });
    if (!canPublishSource(this.permission, req.source)) {
      this.room.hooks.log(`addTrack refused for ${this.identity}: no permission for source ${req.source}`);
      return refuse(RequestResponse_Reason.NOT_ALLOWED);
    }
    if (req.type !== TrackType.AUDIO && req.type !== TrackType.VIDEO) {
      return refuse(RequestResponse_Reason.UNSUPPORTED_TYPE);
    }
    if (req.type !== TrackType.AUDIO) {
      this.room.hooks.log(`video track from ${this.identity} is accepted but never forwarded (README departures)`);
    }
    const sid = newSid('TR');
    const info = new TrackInfo({
      sid,
      type: req.type,
      name: req.name,
      muted: req.muted,
      source: req.source,
      disableDtx: req.disableDtx,
      stereo: req.stereo,
      disableRed: req.disableRed,
      encryption: req.encryption,
      stream: req.stream,
      audioFeatures: req.audioFeatures,
      mimeType: req.type === TrackType.AUDIO ? 'audio/opus' : '',
      width: req.width,
      height: req.height,
    });
    this.tracks.set(sid, { info, cid: req.cid, downstream: new Map(), audioLevel: new AudioLevel(this.room.audioLevelConfig), everSubscribed: false });
    // fidelity: the server answers AddTrackRequest at once with TrackPublishedResponse
    // (server pkg/rtc/participant.go:1366-1372), and announces the track to others only once its
    // media arrives (pkg/rtc/room.go:1074-1100 onTrackPublished).
    this.send({ case: 'trackPublished', value: new TrackPublishedResponse({ cid: req.cid, track: info }) });
  }

  /** Matches an incoming upstream m-line to the AddTrackRequest it belongs to. */
  claimTrack(up: UpstreamAudio): PublishedTrack | undefined {
    const waiting = [...this.tracks.values()].filter((t) => !t.upstream);
    const byCid = waiting.find((t) => t.cid === up.msidTrackId);
    const t = byCid ?? (waiting.length === 1 ? waiting[0] : undefined);
    if (t) {
      t.upstream = up;
      t.info.mid = up.mid;
    }
    return t;
  }

  setTrackMuted(trackSid: string, muted: boolean, fromAdmin: boolean): TrackInfo | undefined {
    const t = this.tracks.get(trackSid);
    if (!t) return undefined;
    if (t.info.muted !== muted) {
      t.info.muted = muted;
      this.bump();
      // fidelity: server pkg/rtc/participant.go SetTrackMuted(fromAdmin=true) tells the publisher
      // with a `mute` signal so its client mutes the local track (client api/SignalClient.ts
      // onRemoteMuteChanged).
      if (fromAdmin) this.send({ case: 'mute', value: new MuteMsg({ sid: trackSid, muted }) });
      this.room.broadcast(this, { immediate: true });
    }
    return t.info.clone();
  }

  /**
   * fidelity: server pkg/rtc/participant.go:670-740 UpdateMetadata: the grant check
   * (canUpdateOwnMetadata, line 694) unless from the admin API, then the size limits
   * (checkMetadataLimits, lines 650-668), answered with a RequestResponse; attributes merge and an
   * empty value deletes (SetAttributes, lines 779-800).
   */
  onUpdateMetadata(
    update: { name: string; metadata: string; attributes: Record<string, string>; requestId: number },
    fromAdmin = false,
  ): RequestResponse_Reason {
    let reason = RequestResponse_Reason.OK;
    let message = '';
    const attrSize = Object.entries(update.attributes ?? {}).reduce((n, [k, v]) => n + k.length + v.length, 0);
    if (!fromAdmin && !this.permission.canUpdateMetadata) {
      reason = RequestResponse_Reason.NOT_ALLOWED;
      message = 'does not have permission to update own metadata';
    } else if (update.name.length > this.room.limits.maxNameLength) {
      reason = RequestResponse_Reason.LIMIT_EXCEEDED;
      message = 'exceeds name length limit';
    } else if (Buffer.byteLength(update.metadata) > this.room.limits.maxMetadataSize) {
      reason = RequestResponse_Reason.LIMIT_EXCEEDED;
      message = 'exceeds metadata size limit';
    } else if (attrSize > this.room.limits.maxAttributesSize) {
      reason = RequestResponse_Reason.LIMIT_EXCEEDED;
      message = 'exceeds attributes size limit';
    }
    if (reason === RequestResponse_Reason.OK) {
      let changed = false;
      if (update.name && update.name !== this.name) {
        this.name = update.name;
        changed = true;
      }
      if (update.metadata && update.metadata !== this.metadata) {
        this.metadata = update.metadata;
        changed = true;
      }
      for (const [k, v] of Object.entries(update.attributes ?? {})) {
        if (v === '') {
          if (k in this.attributes) {
            delete this.attributes[k];
            changed = true;
          }
        } else if (this.attributes[k] !== v) {
          this.attributes[k] = v;
          changed = true;
        }
      }
      if (changed) {
        this.bump();
        // fidelity: server pkg/rtc/room.go:1227-1230 onParticipantUpdate: metadata and permission
        // changes go out immediately.
        this.room.broadcast(this, { immediate: true });
      }
    }
    if (!fromAdmin || update.requestId !== 0 || reason !== RequestResponse_Reason.OK) {
      this.send({
        case: 'requestResponse',
        value: new RequestResponse({
          requestId: update.requestId,
          reason,
          message,
          request: { case: 'updateMetadata', value: new UpdateParticipantMetadata(update) },
        }),
      });
    }
    return reason;
  }

  /**
   * fidelity: server pkg/rtc/participant.go:822-880 SetPermission: the permission is replaced
   * (livekit/protocol auth/grants.go:429-444 UpdateFromPermission copies every field), tracks whose source
   * is no longer allowed are unpublished (lines 846-851), subscriptions are dropped when
   * canSubscribe is revoked (852-860), and everyone gets a participant update (869).
   */
  setPermission(p: ParticipantPermission) {
    this.permission = p.clone();
    this.isPublisher = this.permission.canPublish && this.everPublished;
    this.bump();
    for (const t of [...this.tracks.values()]) {
      if (!canPublishSource(this.permission, t.info.source)) this.room.unpublish(this, t.info.sid);
    }
    if (!this.permission.canSubscribe) {
      for (const other of this.room.participants.values()) {
        for (const t of other.tracks.values()) this.room.unsubscribe(this, other, t);
      }
    } else {
      this.room.subscribeAll(this);
    }
    this.room.broadcast(this, { immediate: true });
  }

  /**
   * fidelity: server pkg/rtc/participant.go GetAudioLevel: the loudest of the participant's
   * unmuted audio tracks.
   */
  audioLevelNow(now: number): { level: number; active: boolean } {
    let best = { level: 0, active: false };
    for (const t of this.tracks.values()) {
      if (t.info.muted || !t.upstream) continue;
      const l = t.audioLevel.getLevel(now);
      if (l.active && l.level > best.level) best = l;
    }
    return best;
  }

}


function kindFromClaim(kind?: string): ParticipantInfo_Kind {
  switch (kind) {
    case 'agent':
      return ParticipantInfo_Kind.AGENT;
    case 'ingress':
      return ParticipantInfo_Kind.INGRESS;
    case 'egress':
      return ParticipantInfo_Kind.EGRESS;
    case 'sip':
      return ParticipantInfo_Kind.SIP;
    default:
      return ParticipantInfo_Kind.STANDARD;
  }
}

export class Room {
  readonly sid = newSid('RM');
  metadata = '';
  readonly creationTimeMs = Date.now();
  readonly participants = new Map<string, Participant>(); // by identity
  private speakerTimer: NodeJS.Timeout;
  private lastSpeakers = new Map<string, SpeakerInfo>(); // by participant sid
  /** Batched participant updates of non-publishers, by identity. */
  private batched = new Map<string, ParticipantInfo>();
  private batchTimer: NodeJS.Timeout | undefined;
  readonly audioLevelConfig = defaultAudioLevelConfig;

  constructor(
    readonly name: string,
    readonly host: string,
    readonly limits: Limits,
    readonly hooks: Hooks,
    /** Participant-update batch interval; the server's is 3 s. 0 sends every update at once. */
    readonly batchIntervalMs = 3000,
  ) {
    if (batchIntervalMs > 0) {
      this.batchTimer = setInterval(() => this.flushBatched(), batchIntervalMs);
      this.batchTimer.unref();
    }
    // fidelity: server pkg/config/config.go AudioConfig UpdateInterval 400 ms between speaker updates.
    this.speakerTimer = setInterval(() => this.speakerTick(), 400);
    this.speakerTimer.unref();
  }

  toProto(): RoomInfo {
    const ps = [...this.participants.values()];
    return new RoomInfo({
      sid: this.sid,
      name: this.name,
      metadata: this.metadata,
      creationTime: BigInt(Math.floor(this.creationTimeMs / 1000)),
      creationTimeMs: BigInt(this.creationTimeMs),
      emptyTimeout: 300,
      departureTimeout: 20,
      numParticipants: ps.length,
      numPublishers: ps.filter((p) => p.tracks.size > 0).length,
    });
  }

  close() {
    clearInterval(this.speakerTimer);
    if (this.batchTimer) clearInterval(this.batchTimer);
    for (const p of [...this.participants.values()]) this.removeParticipant(p, DisconnectReason.ROOM_DELETED, true);
  }

  /** A participant joins (or replaces an earlier session with the same identity). */
  async join(claims: Claims, join: JoinRequest, ws: WebSocket): Promise<Participant> {
    const existing = this.participants.get(claims.sub ?? '');
    if (existing) {
      // fidelity: server pkg/service/roommanager.go:395-401 StartSession removes an existing
      // participant with the same identity (ParticipantCloseReasonDuplicateIdentity) first.
      this.removeParticipant(existing, DisconnectReason.DUPLICATE_IDENTITY, true);
    }
    const p = new Participant(this, claims, join, ws);
    p.state = ParticipantInfo_State.JOINED;
    this.participants.set(p.identity, p);
    // fidelity: server pkg/rtc/room.go:1043-1072 createJoinResponseLocked.
    const info = new ServerInfo({
      edition: ServerInfo_Edition.Standard,
      version: SERVER_VERSION,
      protocol: 16,
      region: 'emulator',
      nodeId: 'emulator',
    });
    p.send({
      case: 'join',
      value: new JoinResponse({
        room: this.toProto(),
        participant: p.toProto(),
        otherParticipants: [...this.participants.values()]
          .filter((o) => o !== p && !o.permission.hidden)
          .map((o) => o.toProto()),
        serverVersion: SERVER_VERSION,
        serverRegion: 'emulator',
        serverInfo: info,
        iceServers: [],
        subscriberPrimary: false,
        clientConfiguration: new ClientConfiguration({}),
        // fidelity: server pkg/rtc/participant.go:88-89 ping interval 5 s, timeout 15 s.
        pingInterval: 5,
        pingTimeout: 15,
        fastPublish: p.permission.canPublish,
      }),
    });
    this.broadcast(p, { skipSource: true });
    if (join.publisherOffer?.sdp) {
      await p.peer.handleOffer(join.publisherOffer.sdp, join.publisherOffer.id);
    }
    this.subscribeAll(p);
    return p;
  }

  resume(p: Participant, ws: WebSocket) {
    p.ws?.removeAllListeners();
    try {
      p.ws?.close();
    } catch {
      /* already closed */
    }
    p.ws = ws;
    p.send({
      case: 'reconnect',
      value: new ReconnectResponse({
        iceServers: [],
        clientConfiguration: new ClientConfiguration({}),
        serverInfo: new ServerInfo({ edition: ServerInfo_Edition.Standard, version: SERVER_VERSION, protocol: 16 }),
      }),
    });
    // Re-send current state so a client that missed updates while away catches up.
    p.send({ case: 'update', value: new ParticipantUpdate({ participants: this.visibleTo(p) }) });
  }

  private visibleTo(p: Participant): ParticipantInfo[] {
    return [...this.participants.values()].filter((o) => o === p || !o.permission.hidden).map((o) => o.toProto());
  }

  /**
   * Tells everyone about `p`'s current state.
   * fidelity: server pkg/rtc/room.go:1537-1575 broadcastParticipantState and :2252-2305
   * PushAndDequeueUpdates: the participant itself hears at once (unless skipSource); others hear
   * at once when the update is marked immediate or the participant is a publisher, otherwise the
   * update waits for the next batch (changeUpdateWorker, every 3 s: room.go:56, 1606-1630).
   * Hidden participants are only told about themselves.
   */
  broadcast(p: Participant, opts: { skipSource?: boolean; immediate?: boolean } = {}) {
    const info = p.toProto();
    if (!opts.skipSource) p.send({ case: 'update', value: new ParticipantUpdate({ participants: [info] }) });
    if (p.permission.hidden) return;
    this.pushUpdate(info, !!opts.immediate || p.isPublisher, p);
  }

  /**
   * fidelity: server pkg/rtc/room.go:2252-2305 PushAndDequeueUpdates. An update waits in the batch
   * unless it is immediate; a queued update of an older session of the same identity is sent at
   * once as DISCONNECTED together with the newer one, so nobody misses the switch.
   */
  private pushUpdate(info: ParticipantInfo, immediate: boolean, except?: Participant) {
    const queued = this.batched.get(info.identity);
    const out: ParticipantInfo[] = [];
    if (queued && queued.sid !== info.sid) {
      queued.state = ParticipantInfo_State.DISCONNECTED;
      out.push(queued);
      immediate = true;
    }
    if (immediate || this.batchIntervalMs <= 0) {
      this.batched.delete(info.identity);
      out.push(info);
      for (const o of this.participants.values()) {
        if (o === except) continue;
        o.send({ case: 'update', value: new ParticipantUpdate({ participants: out }) });
      }
    } else {
      this.batched.set(info.identity, info);
    }
  }

  private flushBatched() {
    if (this.batched.size === 0) return;
    const infos = [...this.batched.values()];
    this.batched.clear();
    for (const o of this.participants.values()) {
      const forO = infos.filter((i) => i.sid !== o.sid);
      if (forO.length) o.send({ case: 'update', value: new ParticipantUpdate({ participants: forO }) });
    }
  }

  removeParticipant(p: Participant, reason: DisconnectReason, tellClient: boolean) {
    if (p.left) return;
    p.left = true;
    if (tellClient) {
      // fidelity: server pkg/rtc/participant.go sendLeaveRequest: action DISCONNECT, no reconnect.
      p.send({
        case: 'leave',
        value: new LeaveRequest({ canReconnect: false, reason, action: LeaveRequest_Action.DISCONNECT }),
      });
    }
    for (const t of [...p.tracks.values()]) this.unpublish(p, t.info.sid, false);
    for (const other of this.participants.values()) {
      for (const t of other.tracks.values()) this.unsubscribe(p, other, t);
    }
    if (this.participants.get(p.identity) === p) this.participants.delete(p.identity);
    p.state = ParticipantInfo_State.DISCONNECTED;
    p.bump();
    const info = p.toProto();
    info.disconnectReason = reason;
    if (!p.permission.hidden) {
      // fidelity: server pkg/rtc/room.go:1495-1500 broadcasts the departure (batched for
      // non-publishers, as every state change).
      this.pushUpdate(info, p.isPublisher);
    }
    // fidelity: server pkg/telemetry/events.go:200-215 participant_left.
    this.hooks.webhook('participant_left', this.toProto(), info);
    if (this.participants.size === 0) this.hooks.empty(this);
    const ws = p.ws;
    setTimeout(() => {
      try {
        ws?.close(1000, 'participant left');
      } catch {
        /* closed */
      }
    }, 50).unref();
    void p.peer.close();
  }

  /**
   * The client's Room.simulateScenario requests (livekit-client room/Room.ts:1271-1400).
   * fidelity: server pkg/rtc/room.go:960-1017 onSimulateScenario: speaker-update fakes a speaker
   * for N seconds; server-leave closes the participant with a leave (DISCONNECT, SERVER_SHUTDOWN,
   * participant_signal.go:260-296); node-failure and migration drop it without one, so the client
   * must notice the dead connection and rejoin. Other scenarios are ignored.
   */
  simulate(p: Participant, scenario: SignalRequestSimulate) {
    switch (scenario.case) {
      case 'speakerUpdate': {
        const send = (active: boolean) => {
          const info = new SpeakerInfo({ sid: p.sid, active, level: active ? 0.9 : 0 });
          for (const o of this.participants.values()) {
            o.send({ case: 'speakersChanged', value: new SpeakersChanged({ speakers: [info] }) });
          }
        };
        send(true);
        setTimeout(() => send(false), scenario.value * 1000).unref();
        break;
      }
      case 'serverLeave':
        this.removeParticipant(p, DisconnectReason.SERVER_SHUTDOWN, true);
        break;
      case 'nodeFailure':
      case 'migration': {
        const ws = p.ws;
        this.removeParticipant(p, DisconnectReason.SERVER_SHUTDOWN, false);
        ws?.terminate();
        break;
      }
      default:
        this.hooks.log(`simulate ${scenario.case} is not emulated`);
    }
  }

  onUpstream(p: Participant, up: UpstreamAudio) {
    const t = p.claimTrack(up);
    if (!t) {
      this.hooks.log(`media from ${p.identity} on mid ${up.mid} matches no AddTrackRequest; dropped`);
      return;
    }
    up.onRtp((rtp, level) => {
      // Without the audio-level extension every packet counts as silent, as on the real server.
      t.audioLevel.observe(level ?? 127, rtp.header.timestamp, Date.now());
    });
    p.markPublished();
    p.bump();
    // fidelity: server pkg/rtc/room.go:1074-1100 onTrackPublished: broadcast (skipping the
    // publisher), then subscribe every existing participant; pkg/telemetry/events.go:269 webhook.
    this.broadcast(p, { skipSource: true });
    this.hooks.webhook('track_published', this.toProto(), p.toProto(), t.info.clone());
    for (const o of this.participants.values()) if (o !== p) this.subscribe(o, p, t);
  }

  subscribeAll(sub: Participant) {
    for (const pub of this.participants.values()) {
      if (pub === sub) continue;
      for (const t of pub.tracks.values()) this.subscribe(sub, pub, t);
    }
  }

  /** Whether `sub` wants `trackSid`: its explicit choice, else its autoSubscribe setting. */
  private wants(sub: Participant, trackSid: string): boolean {
    return sub.subscriptionChoice.get(trackSid) ?? sub.autoSubscribe;
  }

  /** Re-evaluates one track for one subscriber after an UpdateSubscription. */
  applySubscription(sub: Participant, trackSid: string) {
    for (const pub of this.participants.values()) {
      const t = pub.tracks.get(trackSid);
      if (!t || pub === sub) continue;
      if (this.wants(sub, trackSid)) this.subscribe(sub, pub, t);
      else this.unsubscribe(sub, pub, t);
    }
  }

  subscribe(sub: Participant, pub: Participant, t: PublishedTrack) {
    if (!t.upstream || sub.left || !sub.permission.canSubscribe || !this.wants(sub, t.info.sid)) return;
    if (t.downstream.has(sub.sid) || t.info.type !== TrackType.AUDIO) return;
    const track = new MediaStreamTrack({ kind: 'audio' });
    const stop = t.upstream.onRtp((rtp) => {
      try {
        track.writeRtp(cloneRtp(rtp));
      } catch {
        /* subscriber closing */
      }
    });
    t.downstream.set(sub.sid, { track, stop });
    sub.peer.addDownstream(t.info.sid, `${pub.sid}|${t.info.sid}`, track);
    if (!t.everSubscribed) {
      // fidelity: server pkg/rtc/participant_signal.go:250-258 sendTrackHasBeenSubscribed, on the
      // first subscription (client RoomEvent.LocalTrackSubscribed).
      t.everSubscribed = true;
      pub.send({ case: 'trackSubscribed', value: new TrackSubscribed({ trackSid: t.info.sid }) });
    }
  }

  unsubscribe(sub: Participant, _pub: Participant, t: PublishedTrack) {
    const d = t.downstream.get(sub.sid);
    if (!d) return;
    d.stop();
    t.downstream.delete(sub.sid);
    sub.peer.removeDownstream(t.info.sid);
  }

  unpublish(p: Participant, trackSid: string, announce = true, tellPublisher = true) {
    const t = p.tracks.get(trackSid);
    if (!t) return;
    for (const o of this.participants.values()) this.unsubscribe(o, p, t);
    p.tracks.delete(trackSid);
    // fidelity: server pkg/rtc/participant.go removePublishedTrack -> sendTrackUnpublished, which the
    // client turns into LocalParticipant.unpublishTrack (client api/SignalClient.ts trackUnpublished).
    if (tellPublisher) p.send({ case: 'trackUnpublished', value: new TrackUnpublishedResponse({ trackSid }) });
    if (t.upstream) this.hooks.webhook('track_unpublished', this.toProto(), p.toProto(), t.info.clone());
    if (announce) {
      p.bump();
      this.broadcast(p, { immediate: true });
    }
  }

  /**
   * Relays a data packet.
   * fidelity: server pkg/rtc/participant.go:2430-2433 drops packets from a participant without
   * canPublishData; lines 2510-2527 and 2626-2634 stamp the sender's identity (and sid, for user
   * packets) over whatever the client wrote; pkg/rtc/room.go:2117-2160 delivers to the listed
   * destination identities (or everyone but the sender), silently skipping identities that are not
   * in the room — so an RPC to an absent identity gets no ack and the caller's client fails it with
   * 1501 after 7 s (client room/rpc.ts / LocalParticipant.performRpc).
   */
  onData(p: Participant, label: string, data: Buffer) {
    if (label !== '_reliable' && label !== '_lossy') return; // '_data_track' is not emulated
    if (p.left || !p.permission.canPublishData) {
      this.hooks.log(`data from ${p.identity} dropped: no canPublishData`);
      return;
    }
    let dp: DataPacket;
    try {
      dp = DataPacket.fromBinary(data);
    } catch {
      return;
    }
    dp.kind = label === '_reliable' ? DataPacket_Kind.RELIABLE : DataPacket_Kind.LOSSY;
    if (dp.value.case === 'user') {
      const u = dp.value.value;
      u.participantSid = p.sid;
      u.participantIdentity = p.identity;
      if (dp.destinationIdentities.length) u.destinationIdentities = dp.destinationIdentities;
      else dp.destinationIdentities = u.destinationIdentities;
    }
    dp.participantIdentity = p.permission.hidden ? '' : p.identity;
    this.deliver(dp, label, p);
  }

  deliver(dp: DataPacket, label: string, source?: Participant) {
    const destIdentities = dp.destinationIdentities;
    const destSids = dp.value.case === 'user' ? dp.value.value.destinationSids : [];
    const bytes = dp.toBinary();
    for (const o of this.participants.values()) {
      if (o === source) continue;
      if (destIdentities.length || destSids.length) {
        if (!destIdentities.includes(o.identity) && !destSids.includes(o.sid)) continue;
      }
      o.peer.send(label, bytes);
    }
  }

  setMetadata(metadata: string) {
    this.metadata = metadata;
    // fidelity: server pkg/rtc/room.go SetMetadata -> sendRoomUpdate to every participant
    // (client RoomEvent.RoomMetadataChanged).
    const info = this.toProto();
    for (const o of this.participants.values()) o.send({ case: 'roomUpdate', value: new RoomUpdate({ room: info }) });
  }

  /**
   * fidelity: server pkg/rtc/room.go:1639-1676 audioUpdateWorker: every update interval, speakers
   * that are new or whose level changed, plus former speakers (level 0, active false), go out in
   * SpeakersChanged (sendSpeakerChanges) to everyone.
   */
  private speakerTick() {
    const now = Date.now();
    const next = new Map<string, SpeakerInfo>();
    const changed: SpeakerInfo[] = [];
    for (const p of this.participants.values()) {
      if (p.permission.hidden) continue;
      const { level, active } = p.audioLevelNow(now);
      if (!active) continue;
      const info = new SpeakerInfo({ sid: p.sid, level, active: true });
      next.set(p.sid, info);
      const prev = this.lastSpeakers.get(p.sid);
      if (!prev || prev.level !== level) changed.push(info);
    }
    for (const [sid, prev] of this.lastSpeakers) {
      if (!next.has(sid)) changed.push(new SpeakerInfo({ sid, level: 0, active: false }));
      void prev;
    }
    this.lastSpeakers = next;
    if (changed.length === 0) return;
    for (const o of this.participants.values()) {
      o.send({ case: 'speakersChanged', value: new SpeakersChanged({ speakers: changed }) });
    }
  }
}

