/**
 * One participant's single peer connection (livekit-client's default `/rtc/v1` mode), on werift.
 *
 * fidelity: in single-PC mode the client is always the offerer and the server only answers
 * (client room/RTCEngine.ts:610-627 builds a 'publisher-only' PCTransportManager; server
 * pkg/rtc/transport.go:2711-2716 `handleSendOffer` of a non-offerer sends a media-sections
 * requirement instead of an offer). Media the server sends down goes out on m-lines the client
 * offered as recvonly (client RTCEngine.ts:905-933 adds 3 audio + 3 video of them up front), and
 * when none is free the server asks for more with MediaSectionsRequirement
 * (server pkg/rtc/transport.go:2579-2597, client RTCEngine.ts:795-800).
 */
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpPacket,
  useAudioLevelIndication,
  useSdesMid,
  type RTCDataChannel,
  type RTCRtpTransceiver,
} from 'werift';

const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

export interface UpstreamAudio {
  mid: string;
  /** The client's MediaStreamTrack id as it appears in the offer's a=msid (== AddTrackRequest.cid). */
  msidTrackId: string;
  /** Subscribe to this upstream's RTP packets; returns an unsubscribe function. */
  onRtp(cb: (rtp: RtpPacket, audioLevel: number | undefined) => void): () => void;
}

export interface DownstreamSlot {
  transceiver: RTCRtpTransceiver;
  track: MediaStreamTrack;
  streamId: string;
  trackSid: string;
  /** Set once the slot has appeared in an answer. */
  negotiated: boolean;
}

export interface PeerEvents {
  onAnswer(sdp: string, offerId: number, midToTrackId: Record<string, string>): void;
  onMediaSectionsRequirement(numAudios: number, numVideos: number): void;
  onUpstreamAudio(up: UpstreamAudio): void;
  /** The client stopped sending on an m-line it published on (unpublish + renegotiation). */
  onUpstreamEnded(mid: string): void;
  onDataMessage(label: string, data: Buffer): void;
  onDataChannelOpen(label: string): void;
  onConnectionState(state: string): void;
  onError(e: unknown): void;
}

export interface PeerOptions {
  /** Address werift gathers host candidates on. Loopback by default. */
  host: string;
}

export class Peer {
  readonly pc: RTCPeerConnection;
  private chain: Promise<void> = Promise.resolve();
  private channels = new Map<string, RTCDataChannel>();
  /** Downstream tracks wanted by the room, by track sid, waiting for or holding an m-line. */
  private wanted = new Map<string, { track: MediaStreamTrack; streamId: string }>();
  private slots = new Map<string, DownstreamSlot>(); // by trackSid
  /** m-lines that once carried a track: never reused (a departure, see README). */
  private retiredMids = new Set<string>();
  private requirementPending = false;
  /** m-lines the client sends media on. */
  private upstreamMids = new Set<string>();
  private closed = false;

  private readonly host: string;

  constructor(
    private readonly events: PeerEvents,
    opts: PeerOptions,
  ) {
    this.host = opts.host;
    this.pc = new RTCPeerConnection({
      // ICE lite: the emulator only answers connectivity checks, so Chromium's mDNS host candidates
      // (used when the page never asked for a microphone) need no resolving. The real server runs
      // full ICE unless `use_ice_lite` is set; see README departures.
      iceLite: true,
      iceInterfaceAddresses: { udp4: opts.host, udp6: undefined } as never,
      iceAdditionalHostAddresses: [opts.host],
      iceUseIpv6: false,
      codecs: {
        audio: [
          new RTCRtpCodecParameters({
            mimeType: 'audio/opus',
            clockRate: 48000,
            channels: 2,
            payloadType: 111,
            parameters: 'minptime=10;useinbandfec=1',
            rtcpFeedback: [{ type: 'transport-cc' }],
          }),
        ],
        // Video m-lines are negotiated (the client always offers recvonly video sections) but no
        // video is forwarded: see README departures.
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/VP8',
            clockRate: 90000,
            payloadType: 96,
            rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }],
          }),
        ],
      },
      headerExtensions: { audio: [useSdesMid(), useAudioLevelIndication()] },
    });
    this.pc.connectionStateChange.subscribe((s) => this.events.onConnectionState(s));
    this.pc.onDataChannel.subscribe((dc) => {
      this.channels.set(dc.label, dc);
      const opened = () => this.events.onDataChannelOpen(dc.label);
      if (dc.readyState === 'open') opened();
      else dc.stateChanged.subscribe((s) => s === 'open' && opened());
      dc.onMessage.subscribe((msg) => {
        this.events.onDataMessage(dc.label, typeof msg === 'string' ? Buffer.from(msg) : msg);
      });
    });
    this.pc.onRemoteTransceiverAdded.subscribe((t) => this.watchTransceiver(t));
  }

  /** Sends bytes on the client's own data channel of that label; false when it is not open. */
  send(label: string, data: Uint8Array): boolean {
    const dc = this.channels.get(label);
    if (!dc || dc.readyState !== 'open') return false;
    try {
      dc.send(Buffer.from(data));
      return true;
    } catch {
      return false;
    }
  }

  isDataOpen(label: string): boolean {
    return this.channels.get(label)?.readyState === 'open';
  }

  /** Handles an offer from the client (join offer or renegotiation) and emits the answer. */
  handleOffer(sdp: string, offerId: number): Promise<void> {
    const run = this.chain.then(() => this.answer(sdp, offerId));
    this.chain = run.catch((e) => this.events.onError(e));
    return this.chain;
  }

  addIceCandidate(init: { candidate?: string; sdpMid?: string | null; sdpMLineIndex?: number | null }) {
    // Chromium's mDNS candidates cannot be resolved here; ICE lite does not need them anyway.
    if (!init?.candidate || init.candidate.includes('.local')) return;
    this.chain = this.chain
      .then(() => this.pc.addIceCandidate(init as never))
      .catch(() => undefined);
  }

  /** Starts sending `track` to this client; asks the client to renegotiate. */
  addDownstream(trackSid: string, streamId: string, track: MediaStreamTrack) {
    this.wanted.set(trackSid, { track, streamId });
    this.requestRenegotiation();
  }

  removeDownstream(trackSid: string) {
    this.wanted.delete(trackSid);
    const slot = this.slots.get(trackSid);
    if (slot) {
      this.slots.delete(trackSid);
      void slot.transceiver.sender.replaceTrack(null).catch(() => undefined);
      slot.transceiver.setDirection('inactive');
      if (slot.transceiver.mid) this.retiredMids.add(slot.transceiver.mid);
      this.requestRenegotiation();
    }
  }

  async close() {
    this.closed = true;
    try {
      await this.pc.close();
    } catch {
      /* already closed */
    }
  }

  private requestRenegotiation() {
    if (this.closed || this.requirementPending) return;
    // Sent after the current answer (if any) so that the client's next offer reflects our state.
    this.requirementPending = true;
    this.chain = this.chain.then(() => {
      this.requirementPending = false;
      if (this.closed) return;
      const freeAudio = this.freeAudioTransceivers().length;
      const unplaced = [...this.wanted.keys()].filter((sid) => !this.slots.has(sid)).length;
      // fidelity: server pkg/rtc/transport.go:2579-2597 sends the number of missing sections,
      // forced even when zero so the client makes a new offer (transport.go:2711-2716).
      this.events.onMediaSectionsRequirement(Math.max(0, unplaced - freeAudio), 0);
    });
  }

  private freeAudioTransceivers(): RTCRtpTransceiver[] {
    const used = new Set([...this.slots.values()].map((s) => s.transceiver));
    const remoteDirections = this.remoteDirections();
    return this.pc.getTransceivers().filter(
      (t) =>
        t.kind === 'audio' &&
        t.mid !== null &&
        !used.has(t) &&
        !this.retiredMids.has(t.mid) &&
        remoteDirections.get(t.mid) === 'recvonly',
    );
  }

  private remoteDescriptionSdp = '';

  /** Direction of each m-section of the last offer, by mid ('rejected' for port 0). */
  private remoteDirections(): Map<string, string> {
    const out = new Map<string, string>();
    for (const section of this.remoteDescriptionSdp.split(/\r?\nm=/).slice(1)) {
      const mid = /a=mid:(\S+)/.exec(section)?.[1];
      const port = /^\S+ (\d+)/.exec(section)?.[1];
      const dir = /a=(sendrecv|sendonly|recvonly|inactive)/.exec(section)?.[1] ?? 'sendrecv';
      if (mid !== undefined) out.set(mid, port === '0' ? 'rejected' : dir);
    }
    return out;
  }

  private msidTrackIds(): Map<string, string> {
    const out = new Map<string, string>();
    for (const section of this.remoteDescriptionSdp.split(/\r?\nm=/).slice(1)) {
      const mid = /a=mid:(\S+)/.exec(section)?.[1];
      const msid = /a=msid:(\S+) (\S+)/.exec(section);
      if (mid !== undefined && msid) out.set(mid, msid[2]);
    }
    return out;
  }

  private watchTransceiver(t: RTCRtpTransceiver) {
    // werift's addTransceiver (transceiverManager.js:90-98) recycles any transceiver whose current
    // direction is inactive, taking its mid, and setRemoteDescription then renames the recycled one
    // to the new m-line's mid (peerConnection.js:852-858): the old mid vanishes and createAnswer
    // throws. Marking every transceiver as used keeps them all in place, as m-lines must be.
    t.usedForSender = true;
    t.onTrack.subscribe((track) => {
      const mid = t.mid ?? '';
      this.upstreamMids.add(mid);
      this.retiredMids.add(mid); // never offered back as a downstream slot
      const listeners = new Set<(rtp: RtpPacket, level: number | undefined) => void>();
      track.onReceiveRtp.subscribe((rtp, ext) => {
        const lvl = ext?.[AUDIO_LEVEL_URI] as { level: number } | undefined;
        for (const cb of listeners) cb(rtp, lvl?.level);
      });
      this.events.onUpstreamAudio({
        mid,
        msidTrackId: this.msidTrackIds().get(mid) ?? '',
        onRtp(cb) {
          listeners.add(cb);
          return () => listeners.delete(cb);
        },
      });
    });
  }

  private async answer(sdp: string, offerId: number) {
    if (this.closed) return;
    this.remoteDescriptionSdp = sdp;
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    const remoteDirections = this.remoteDirections();
    // fidelity: the real server has no "unpublish" signal either: a published track closes when
    // its receiver ends after the client's renegotiation (server pkg/rtc/participant.go:3548-3578).
    for (const mid of [...this.upstreamMids]) {
      const dir = remoteDirections.get(mid);
      if (dir !== 'sendonly' && dir !== 'sendrecv') {
        this.upstreamMids.delete(mid);
        this.events.onUpstreamEnded(mid);
      }
    }
    // Upstream m-lines (the client sends): receive only.
    for (const t of this.pc.getTransceivers()) {
      const dir = t.mid !== null ? remoteDirections.get(t.mid) : undefined;
      if (dir === 'sendonly' || dir === 'sendrecv') t.setDirection('recvonly');
    }
    // Place wanted downstream tracks on free recvonly m-lines.
    for (const [trackSid, want] of this.wanted) {
      if (this.slots.has(trackSid)) continue;
      const free = this.freeAudioTransceivers()[0];
      if (!free) break;
      free.setDirection('sendonly');
      await free.sender.replaceTrack(want.track);
      this.slots.set(trackSid, {
        transceiver: free,
        track: want.track,
        streamId: want.streamId,
        trackSid,
        negotiated: false,
      });
    }
    // Unused recvonly m-lines stay inactive until needed.
    const used = new Set([...this.slots.values()].map((s) => s.transceiver));
    for (const t of this.pc.getTransceivers()) {
      const dir = t.mid !== null ? remoteDirections.get(t.mid) : undefined;
      if ((dir === 'recvonly' || dir === 'inactive') && !used.has(t)) t.setDirection('inactive');
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    const midToTrackId: Record<string, string> = {};
    const msidByMid = new Map<string, string>();
    for (const slot of this.slots.values()) {
      if (!slot.transceiver.mid) continue;
      slot.negotiated = true;
      midToTrackId[slot.transceiver.mid] = slot.trackSid;
      // fidelity: client room/Room.ts:1761-1795 reads `participantSid|trackSid` from the stream id
      // and, in single-PC mode, maps the receiver's mid through midToTrackId.
      msidByMid.set(slot.transceiver.mid, `${slot.streamId} ${slot.trackSid}`);
    }
    const local = onlyHostCandidates(
      unrejectInactive(rewriteMsid(this.pc.localDescription!.sdp, msidByMid), sdp),
      this.host,
    );
    this.events.onAnswer(local, offerId, midToTrackId);
    const unplaced = [...this.wanted.keys()].filter((sid) => !this.slots.has(sid)).length;
    if (unplaced > 0) this.events.onMediaSectionsRequirement(unplaced, 0);
  }
}

/** Sets each listed m-section's a=msid (and ssrc msid) to the given "stream track" pair. */
function rewriteMsid(sdp: string, msidByMid: Map<string, string>): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const [head, ...sections] = sdp.split(`${eol}m=`);
  const out = sections.map((section) => {
    const mid = /a=mid:(\S+)/.exec(section)?.[1];
    const msid = mid !== undefined ? msidByMid.get(mid) : undefined;
    if (!msid) return section;
    const lines = section
      .split(eol)
      .filter((l) => !l.startsWith('a=msid:') && !/^a=ssrc:\d+ msid:/.test(l))
      .map((l) => l.replace(/^(a=ssrc:\d+ )(mslabel|label):.*$/, ''))
      .filter((l, i, all) => l !== '' || i === all.length - 1);
    const midIdx = lines.findIndex((l) => l.startsWith('a=mid:'));
    lines.splice(midIdx + 1, 0, `a=msid:${msid}`);
    return lines.join(eol);
  });
  return [head, ...out].join(`${eol}m=`);
}

/**
 * werift writes port 0 (= rejected) for an inactive m-section (werift sdpManager.js
 * addTransportDescription). In a BUNDLE whose tag section is inactive Chromium then demands that
 * every bundled section be rejected, and refuses the answer. An inactive section is not a rejected
 * one: give it the discard port 9 again wherever the offer did not reject it.
 */
function unrejectInactive(answer: string, offer: string): string {
  const eol = answer.includes('\r\n') ? '\r\n' : '\n';
  const offerPorts = offer
    .split(/\r?\nm=/)
    .slice(1)
    .map((sec) => /^\S+ (\d+)/.exec(sec)?.[1]);
  const [head, ...sections] = answer.split(`${eol}m=`);
  const out = sections.map((sec, i) =>
    offerPorts[i] && offerPorts[i] !== '0' ? sec.replace(/^(\S+) 0 /, '$1 9 ') : sec,
  );
  return [head, ...out].join(`${eol}m=`);
}

/**
 * werift binds its UDP sockets to the listen address (iceInterfaceAddresses) but, when that is
 * loopback, still advertises candidates for the machine's other addresses (ice.js:688-700), which
 * nothing listens on. Only the listen address is advertised.
 */
function onlyHostCandidates(sdp: string, host: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(eol)
    .filter((l) => !l.startsWith('a=candidate:') || l.split(' ')[4] === host)
    .join(eol);
}

/** Copies an RTP packet so that each subscriber's sender may rewrite its header freely. */
export function cloneRtp(rtp: RtpPacket): RtpPacket {
  return RtpPacket.deSerialize(rtp.serialize());
}

export { MediaStreamTrack };
