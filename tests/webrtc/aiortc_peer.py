#!/usr/bin/python3
"""aiortc as the WebRTC offerer against `galois webrtc` (tests/webrtc/run-aiortc.sh).

usage: aiortc_peer.py --url http://127.0.0.1:PORT/offer [--tone HZ] [--seconds S]
           [--connect-timeout S] [--bad-fingerprint] [--record FILE.wav] [-v]

Run it with /usr/bin/python3: Debian's python3-aiortc (1.4.0) lives in the system
dist-packages, which another python3 on PATH does not see.

What it does:
  1. makes one RTCPeerConnection with one sendrecv audio transceiver restricted to PCMU
     (setCodecPreferences, so the offer's m=audio lists payload type 0 only) that sends a
     sine tone of --tone HZ (48 kHz source, amplitude 8000; aiortc encodes it as PCMU);
  2. POSTs the offer {"type":"offer","sdp":...} to --url and applies the answer;
     --bad-fingerprint first changes every a=fingerprint value of the offer (the first
     byte is inverted), so the certificate aiortc presents no longer matches its SDP;
  3. waits up to --connect-timeout s for the connection to be connected or failed, then
     (if connected) keeps the media flowing for --seconds s;
  4. prints one line `REPORT {json}` on stdout: the HTTP status, the offer's and the
     answer's SDP facts (payload types, a=setup, a=ice-lite, candidates, fingerprints),
     aiortc's real certificate fingerprint, the connection/ICE/DTLS states it reached, the
     DTLS version/cipher/SRTP profile OpenSSL negotiated, RTP packets sent and received,
     decoded frames, the RMS and the dominant frequency of what it received.
  Exit status 0 when the report was printed (whatever it says), 2 on a usage/runtime error.
  The caller decides what the report must say.

Loopback only: aioice leaves 127.0.0.1 out of its host candidates and aiortc falls back
to a public STUN server when iceServers is None. Both are overridden below; the offer
never carries a *.local candidate, and the answer's candidates are given to aioice as
they are (galois gives one host candidate, 127.0.0.1).
"""
import argparse
import asyncio
import fractions
import json
import logging
import math
import re
import sys
import time
import urllib.error
import urllib.request
import wave

import aioice.ice
import numpy
from av import AudioFrame
from OpenSSL import SSL

from aiortc import (MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCRtpSender,
                    RTCSessionDescription)

# --- loopback only -------------------------------------------------------------------------
aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]
CONFIG = RTCConfiguration(iceServers=[])  # an empty list, not None: no default STUN server

log = logging.getLogger("aiortc_peer")
AMPLITUDE = 8000


class ToneTrack(MediaStreamTrack):
    """20 ms frames of a sine tone, 48 kHz mono s16, paced in real time."""
    kind = "audio"

    def __init__(self, hz, rate=48000):
        super().__init__()
        self.hz, self.rate, self.pts, self.t0 = hz, rate, 0, None

    async def recv(self):
        n = self.rate // 50
        if self.t0 is None:
            self.t0 = time.monotonic()
        wait = self.t0 + self.pts / self.rate - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        t = (numpy.arange(n) + self.pts) / self.rate
        s = (numpy.sin(2 * math.pi * self.hz * t) * AMPLITUDE).astype(numpy.int16)
        frame = AudioFrame.from_ndarray(s.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = self.rate
        frame.pts = self.pts
        frame.time_base = fractions.Fraction(1, self.rate)
        self.pts += n
        return frame


class Sink:
    """Decoded frames of the remote track: count, RMS, samples kept for the spectrum."""

    def __init__(self, keep_seconds=30):
        self.frames, self.sumsq, self.samples = 0, 0.0, 0
        self.rate = None
        self.chunks = []
        self.keep = keep_seconds

    async def consume(self, track):
        try:
            while True:
                f = await track.recv()
                a = f.to_ndarray().reshape(-1).astype(numpy.float64)  # s16 mono (PCMU)
                self.rate = f.sample_rate
                self.frames += 1
                self.sumsq += float((a * a).sum())
                self.samples += a.size
                if sum(c.size for c in self.chunks) < self.keep * (self.rate or 8000):
                    self.chunks.append(a)
        except Exception:  # MediaStreamError when the track ends
            pass

    def rms(self):
        return round(math.sqrt(self.sumsq / self.samples), 1) if self.samples else 0.0

    def spectrum(self):
        """(dominant frequency Hz, share of the power within +-10 Hz of it) or (None, None)."""
        if not self.chunks or not self.rate:
            return None, None
        x = numpy.concatenate(self.chunks)
        x = x[len(x) // 10:]  # skip the start (jitter buffer filling)
        if x.size < self.rate // 4:
            return None, None
        x = x - x.mean()
        spec = numpy.abs(numpy.fft.rfft(x * numpy.hanning(x.size))) ** 2
        freqs = numpy.fft.rfftfreq(x.size, 1.0 / self.rate)
        spec[freqs < 50] = 0.0
        total = float(spec.sum())
        if total <= 0:
            return None, None
        k = int(spec.argmax())
        near = (freqs > freqs[k] - 10) & (freqs < freqs[k] + 10)
        return round(float(freqs[k]), 1), round(float(spec[near].sum()) / total, 3)

    def write_wav(self, path):
        x = numpy.concatenate(self.chunks) if self.chunks else numpy.zeros(0)
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate or 8000)
            w.writeframes(numpy.clip(x, -32768, 32767).astype("<i2").tobytes())


def sdp_facts(sdp):
    """What the checks need from an SDP, as plain values."""
    facts = {"audio_pts": None, "setup": [], "ice_lite": False, "rtcp_mux": False,
             "fingerprints": [], "candidates": [], "rtpmap": []}
    for line in sdp.splitlines():
        line = line.strip()
        if line.startswith("m=audio "):
            facts["audio_pts"] = [int(p) for p in line.split()[3:] if p.isdigit()]
        elif line.startswith("a=setup:"):
            facts["setup"].append(line[8:])
        elif line == "a=ice-lite":
            facts["ice_lite"] = True
        elif line == "a=rtcp-mux":
            facts["rtcp_mux"] = True
        elif line.startswith("a=fingerprint:"):
            facts["fingerprints"].append(line[14:])
        elif line.startswith("a=candidate:"):
            facts["candidates"].append(line[12:])
        elif line.startswith("a=rtpmap:"):
            facts["rtpmap"].append(line[9:])
    return facts


def corrupt_fingerprints(sdp):
    """Invert the first byte of every a=fingerprint value (AB:... -> 54:...)."""
    def flip(m):
        first = int(m.group(2), 16) ^ 0xFF
        return "%s%02X%s" % (m.group(1), first, m.group(3))
    out, n = re.subn(r"(a=fingerprint:\S+ )([0-9A-Fa-f]{2})(:)", flip, sdp)
    if n == 0:
        raise SystemExit("aiortc_peer: no a=fingerprint line in the offer to corrupt")
    return out


def cert_fingerprint(pc):
    """sha-256 fingerprint of the certificate aiortc actually presents."""
    fps = pc.getTransceivers()[0].sender.transport.getLocalParameters().fingerprints
    for f in fps:
        if f.algorithm.lower() == "sha-256":
            return "sha-256 " + f.value.upper()
    return None


def post_offer(url, body, timeout):
    # galois takes only application/json with a Host naming it (urllib sends the URL's
    # 127.0.0.1:PORT) and, if any, an Origin of its own (docs/WEBRTC.md, "Who may talk to galois")
    req = urllib.request.Request(url, data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as e:
        return None, "%s" % (getattr(e, "reason", None) or e)


async def run(args):
    rep = {"peer": "aiortc", "tone_hz": args.tone, "bad_fingerprint": args.bad_fingerprint,
           "http_status": None, "http_error": None, "reached": {}, "dtls": {}, "ice": {},
           "media": {}}
    sink = Sink()
    pc = RTCPeerConnection(configuration=CONFIG)
    reached = rep["reached"]
    t0 = time.monotonic()

    def mark(kind, state):
        reached.setdefault(kind, [])
        if state not in reached[kind]:
            reached[kind].append(state)
            log.info("%s -> %s (%.3f s)", kind, state, time.monotonic() - t0)

    @pc.on("track")
    def on_track(track):
        log.info("remote %s track", track.kind)
        asyncio.ensure_future(sink.consume(track))

    @pc.on("connectionstatechange")
    async def on_conn():
        mark("connection", pc.connectionState)

    @pc.on("iceconnectionstatechange")
    async def on_ice():
        mark("ice", pc.iceConnectionState)

    tr = pc.addTransceiver(ToneTrack(args.tone), direction="sendrecv")
    pcmu = [c for c in RTCRtpSender.getCapabilities("audio").codecs
            if c.mimeType.lower() == "audio/pcmu"]
    tr.setCodecPreferences(pcmu)

    await pc.setLocalDescription(await pc.createOffer())  # gathers the 127.0.0.1 candidate
    offer_sdp = pc.localDescription.sdp
    rep["cert_fingerprint"] = cert_fingerprint(pc)
    if args.bad_fingerprint:
        offer_sdp = corrupt_fingerprints(offer_sdp)
    rep["offer"] = sdp_facts(offer_sdp)
    if any(".local" in c for c in rep["offer"]["candidates"]):
        raise SystemExit("aiortc_peer: the offer has a .local candidate (loopback fix failed)")
    print("--- offer sent\n" + offer_sdp, file=sys.stderr)

    loop = asyncio.get_running_loop()
    body = json.dumps({"type": "offer", "sdp": offer_sdp})
    status, text = await loop.run_in_executor(None, post_offer, args.url, body, args.http_timeout)
    rep["http_status"] = status
    if status != 200:
        rep["http_error"] = text.strip()[:500]
        log.info("POST %s -> %s %s", args.url, status, rep["http_error"])
        await pc.close()
        return rep
    try:
        ans = json.loads(text)
        answer_sdp = ans["sdp"]
        if ans.get("type") != "answer":
            raise ValueError("type is %r, not 'answer'" % ans.get("type"))
    except (ValueError, KeyError, TypeError) as e:
        rep["http_error"] = "answer body is not {\"type\":\"answer\",\"sdp\":...}: %s" % e
        await pc.close()
        return rep
    print("--- answer received\n" + answer_sdp, file=sys.stderr)
    rep["answer"] = sdp_facts(answer_sdp)
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))
    except Exception as e:  # aiortc refused the answer
        rep["http_error"] = "aiortc refused the answer: %s" % e
        await pc.close()
        return rep

    dtls = tr.sender.transport
    t_ans = time.monotonic()
    while pc.connectionState not in ("connected", "failed", "closed"):
        if dtls.state == "failed" or time.monotonic() - t_ans > args.connect_timeout:
            break
        await asyncio.sleep(0.02)
    connected = pc.connectionState == "connected"
    rep["connect_seconds"] = round(time.monotonic() - t_ans, 3) if connected else None
    mark("dtls", dtls.state)
    if connected:
        ssl = dtls.ssl
        prof = SSL._lib.SSL_get_selected_srtp_profile(ssl._ssl)
        rep["dtls"] = {
            "role": dtls._role,
            "version": ssl.get_protocol_version_name(),
            "cipher": ssl.get_cipher_name(),
            "srtp_profile": SSL._ffi.string(prof.name).decode() if prof != SSL._ffi.NULL else None,
        }
        pair = dtls.transport._connection._nominated.get(1)
        if pair:
            rep["ice"] = {"local": "%s:%d" % (pair.local_candidate.host, pair.local_candidate.port),
                          "remote": "%s:%d" % (pair.remote_candidate.host,
                                               pair.remote_candidate.port)}
        await asyncio.sleep(args.seconds)
    else:
        # a refused handshake: stay a moment to see whether media arrives anyway
        await asyncio.sleep(min(args.seconds, 2.0))
    mark("dtls", dtls.state)
    rep["final"] = {"connection": pc.connectionState, "ice": pc.iceConnectionState,
                    "dtls": dtls.state}
    try:
        stats = await pc.getStats()
        inbound = [s for s in stats.values() if s.type == "inbound-rtp"]
        outbound = [s for s in stats.values() if s.type == "outbound-rtp"]
        rep["media"]["packets_received"] = sum(s.packetsReceived for s in inbound)
        rep["media"]["packets_sent"] = sum(s.packetsSent for s in outbound)
    except Exception as e:
        rep["media"]["stats_error"] = str(e)
    freq, purity = sink.spectrum()
    rep["media"].update({"frames": sink.frames, "rms": sink.rms(), "rate": sink.rate,
                         "freq_hz": freq, "purity": purity})
    if args.record:
        sink.write_wav(args.record)
    await pc.close()
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True, help="galois's offer URL, http://127.0.0.1:P/offer")
    ap.add_argument("--tone", type=float, default=440.0, help="tone aiortc sends (Hz)")
    ap.add_argument("--seconds", type=float, default=4.0, help="media time after connecting")
    ap.add_argument("--connect-timeout", type=float, default=10.0)
    ap.add_argument("--http-timeout", type=float, default=15.0)
    ap.add_argument("--bad-fingerprint", action="store_true",
                    help="send the offer with a wrong a=fingerprint")
    ap.add_argument("--record", help="write the received audio to this WAV file")
    ap.add_argument("-v", action="store_true", help="aiortc/aioice debug logs")
    args = ap.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.v else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(message)s")
    if not args.v:
        for n in ("aioice", "aiortc"):
            logging.getLogger(n).setLevel(logging.WARNING)
    try:
        rep = asyncio.run(run(args))
    except SystemExit:
        raise
    except Exception as e:
        log.exception("aiortc_peer failed")
        print("aiortc_peer: %s" % e, file=sys.stderr)
        sys.exit(2)
    print("REPORT " + json.dumps(rep, sort_keys=True), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
