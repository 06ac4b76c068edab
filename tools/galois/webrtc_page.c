// `galois webrtc`: the page served at /. One RTCPeerConnection with no ICE servers (host
// candidates only) sends a WebAudio oscillator (or, with ?src=mic, getUserMedia's audio: the
// fake device under --use-fake-device-for-media-stream), gathers without trickle, POSTs its
// offer to /offer?result=1, applies the answer, shows what getStats() says while the media
// runs, and POSTs a summary to /result?session=N&token=T (both from the answer) shortly before
// galois ends the media. Both POSTs are application/json from this page's own origin: galois
// refuses anything else (webrtc_guard.c).
// The text is kept in pieces: C11 compilers need only take 4095 characters in one literal.
#include <stdlib.h>
#include <string.h>

#include "webrtc.h"

static const char *const parts[] = {
    "<!doctype html>\n"
    "<html><head><meta charset=\"utf-8\"><title>galois webrtc</title>\n"
    "<style>body{font-family:sans-serif;margin:2em}td{padding:2px 12px}"
    "td:first-child{color:#555}#state{font-weight:bold}</style></head>\n"
    "<body><h1>galois webrtc</h1>\n"
    "<p id=\"state\">starting</p>\n"
    "<table>\n"
    "<tr><td>DTLS version</td><td id=\"tls\">-</td></tr>\n"
    "<tr><td>DTLS cipher</td><td id=\"dtlsCipher\">-</td></tr>\n"
    "<tr><td>SRTP cipher</td><td id=\"srtpCipher\">-</td></tr>\n"
    "<tr><td>packets sent</td><td id=\"sent\">-</td></tr>\n"
    "<tr><td>packets received</td><td id=\"received\">-</td></tr>\n"
    "<tr><td>audio level received</td><td id=\"level\">-</td></tr>\n"
    "<tr><td>candidate pair</td><td id=\"pair\">-</td></tr>\n"
    "</table>\n"
    "<pre id=\"result\"></pre>\n",

    "<script>\n"
    "'use strict';\n"
    "const q = new URLSearchParams(location.search);\n"
    "const out = {page: 'galois webrtc', userAgent: navigator.userAgent, ok: false, error: ''};\n"
    "const sleep = ms => new Promise(r => setTimeout(r, ms));\n"
    "const $ = id => document.getElementById(id);\n"
    "const VERSIONS = {FEFF: 'DTLS 1.0', FEFD: 'DTLS 1.2', FEFC: 'DTLS 1.3'};\n"
    "let token = '';  // the session's secret from the answer; not part of the result\n"
    "function state(s) { $('state').textContent = s; }\n"
    "function oscillator() {\n"
    "  const ac = new AudioContext();\n"
    "  const osc = ac.createOscillator();\n"
    "  const gain = ac.createGain();\n"
    "  const dst = ac.createMediaStreamDestination();\n"
    "  osc.frequency.value = +(q.get('hz') || 440);\n"
    "  gain.gain.value = 0.5;\n"
    "  osc.connect(gain); gain.connect(dst); osc.start(); ac.resume();\n"
    "  out.audioSource = 'oscillator ' + osc.frequency.value + ' Hz';\n"
    "  return dst.stream;\n"
    "}\n"
    "async function audio() {\n"
    "  if (q.get('src') !== 'mic') return oscillator();\n"
    "  const s = await navigator.mediaDevices.getUserMedia({audio: true, video: false});\n"
    "  out.audioSource = 'getUserMedia: ' + s.getAudioTracks()[0].label;\n"
    "  return s;\n"
    "}\n"
    "function play(e) {\n"
    "  // the inbound audioLevel stays 0 unless the remote track is played\n"
    "  const a = document.createElement('audio');\n"
    "  a.autoplay = true;\n"
    "  a.srcObject = e.streams && e.streams[0] ? e.streams[0] : new MediaStream([e.track]);\n"
    "  document.body.appendChild(a);\n"
    "  a.play().catch(() => {});\n"
    "}\n"
    "function gathered(pc, ms) {\n"
    "  return new Promise(resolve => {\n"
    "    if (pc.iceGatheringState === 'complete') return resolve();\n"
    "    pc.addEventListener('icegatheringstatechange', () => {\n"
    "      if (pc.iceGatheringState === 'complete') resolve();\n"
    "    });\n"
    "    setTimeout(resolve, ms);\n"
    "  });\n"
    "}\n"
    "function connected(pc, ms) {\n"
    "  return new Promise((resolve, reject) => {\n"
    "    const check = () => {\n"
    "      state('connection ' + pc.connectionState);\n"
    "      if (pc.connectionState === 'connected') resolve();\n"
    "      if (pc.connectionState === 'failed') reject(new Error('connectionState failed'));\n"
    "    };\n"
    "    pc.addEventListener('connectionstatechange', check);\n"
    "    check();\n"
    "    setTimeout(() => reject(new Error('not connected after ' + ms + ' ms: connection ' +\n"
    "      pc.connectionState + ', ICE ' + pc.iceConnectionState)), ms);\n"
    "  });\n"
    "}\n",

    "async function summary(pc) {\n"
    "  const stats = await pc.getStats();\n"
    "  const byId = {};\n"
    "  stats.forEach(s => { byId[s.id] = s; });\n"
    "  const r = {connectionState: pc.connectionState};\n"
    "  stats.forEach(s => {\n"
    "    if (s.type === 'transport') {\n"
    "      r.transport = {dtlsState: s.dtlsState, dtlsRole: s.dtlsRole, tlsVersion: s.tlsVersion,\n"
    "        dtlsCipher: s.dtlsCipher, srtpCipher: s.srtpCipher, iceRole: s.iceRole,\n"
    "        iceState: s.iceState};\n"
    "      const p = byId[s.selectedCandidatePairId];\n"
    "      if (p) {\n"
    "        const l = byId[p.localCandidateId], m = byId[p.remoteCandidateId];\n"
    "        r.selectedCandidatePair = {state: p.state, nominated: p.nominated,\n"
    "          local: l ? l.address + ':' + l.port + ' ' + l.protocol : '',\n"
    "          remote: m ? m.address + ':' + m.port + ' ' + m.protocol : ''};\n"
    "      }\n"
    "    } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {\n"
    "      r.inbound = {packetsReceived: s.packetsReceived, bytesReceived: s.bytesReceived,\n"
    "        packetsLost: s.packetsLost, jitter: s.jitter, audioLevel: s.audioLevel,\n"
    "        totalAudioEnergy: s.totalAudioEnergy, ssrc: s.ssrc};\n"
    "      const c = byId[s.codecId];\n"
    "      if (c) r.inbound.codec = c.mimeType;\n"
    "    } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {\n"
    "      r.outbound = {packetsSent: s.packetsSent, bytesSent: s.bytesSent, ssrc: s.ssrc};\n"
    "      const c = byId[s.codecId];\n"
    "      if (c) r.outbound.codec = c.mimeType;\n"
    "    }\n"
    "  });\n"
    "  return r;\n"
    "}\n"
    "function show(st) {\n"
    "  const t = st.transport || {}, i = st.inbound || {}, o = st.outbound || {};\n"
    "  $('tls').textContent = VERSIONS[t.tlsVersion] || t.tlsVersion || '-';\n"
    "  $('dtlsCipher').textContent = t.dtlsCipher || '-';\n"
    "  $('srtpCipher').textContent = t.srtpCipher || '-';\n"
    "  $('sent').textContent = o.packetsSent === undefined ? '-' : o.packetsSent;\n"
    "  $('received').textContent = i.packetsReceived === undefined ? '-' : i.packetsReceived;\n"
    "  $('level').textContent = i.audioLevel === undefined ? '-' : i.audioLevel.toFixed(3);\n"
    "  const p = st.selectedCandidatePair;\n"
    "  $('pair').textContent = p ? p.local + ' -> ' + p.remote : '-';\n"
    "}\n",

    "async function finish() {\n"
    "  $('result').textContent = JSON.stringify(out, null, 1);\n"
    "  document.title = out.ok ? 'DONE' : 'FAIL';\n"
    "  state(out.ok ? 'done' : 'failed: ' + out.error);\n"
    "  if (!out.session || !token) return;  // no session took the offer\n"
    "  const where = '/result?session=' + out.session + '&token=' + encodeURIComponent(token);\n"
    "  try {\n"
    "    await fetch(where, {method: 'POST', headers: {'Content-Type': 'application/json'},\n"
    "      body: JSON.stringify(out)});\n"
    "  } catch (e) { /* galois is gone */ }\n"
    "}\n"
    "(async () => {\n"
    "  let pc = null;\n"
    "  try {\n"
    "    const stream = await audio();\n"
    "    pc = new RTCPeerConnection({iceServers: []});\n"
    "    stream.getTracks().forEach(t => pc.addTrack(t, stream));\n"
    "    pc.ontrack = play;\n"
    "    await pc.setLocalDescription(await pc.createOffer());\n"
    "    state('gathering candidates');\n"
    "    await gathered(pc, 5000);\n"
    "    state('offering');\n"
    "    const fp = /a=fingerprint:(\\S+ \\S+)/.exec(pc.localDescription.sdp);\n"
    "    out.offerFingerprint = fp ? fp[1] : '';\n"
    "    const t0 = performance.now();\n"
    "    const r = await fetch('/offer?result=1', {method: 'POST',\n"
    "      headers: {'Content-Type': 'application/json'},\n"
    "      body: JSON.stringify({type: 'offer', sdp: pc.localDescription.sdp})});\n"
    "    const text = await r.text();\n"
    "    if (!r.ok) throw new Error('galois refused the offer: HTTP ' + r.status + ': ' +\n"
    "      text.trim());\n"
    "    const ans = JSON.parse(text);\n"
    "    out.session = ans.session;\n"
    "    token = ans.token;\n"
    "    await pc.setRemoteDescription({type: 'answer', sdp: ans.sdp});\n"
    "    await connected(pc, 15000);\n"
    "    out.connectMs = Math.round(performance.now() - t0);\n"
    "    // sample while galois still sends: it stops ans.duration s after its handshake\n"
    "    const end = performance.now() + Math.max(0.5, ans.duration - 0.5) * 1000;\n"
    "    while (performance.now() < end) {\n"
    "      show(await summary(pc));\n"
    "      await sleep(Math.max(0, Math.min(250, end - performance.now())));\n"
    "    }\n"
    "    out.stats = await summary(pc);\n"
    "    show(out.stats);\n"
    "    const t = out.stats.transport || {}, i = out.stats.inbound || {},\n"
    "      o = out.stats.outbound || {};\n"
    "    out.ok = t.dtlsState === 'connected' && !!t.srtpCipher && i.packetsReceived > 0 &&\n"
    "      o.packetsSent > 0;\n"
    "    if (!out.ok) out.error = 'connected, but DTLS ' + t.dtlsState + ', SRTP ' +\n"
    "      t.srtpCipher + ', received ' + i.packetsReceived + ', sent ' + o.packetsSent;\n"
    "  } catch (e) {\n"
    "    out.error = String(e && e.message || e);\n"
    "    out.ok = false;\n"
    "  }\n"
    "  await finish();\n"
    "  // galois ends the media itself (DTLS close_notify); close a little after that\n"
    "  await sleep(1500);\n"
    "  if (pc) pc.close();\n"
    "})();\n"
    "</script></body></html>\n",
};

char *wr_page_new(size_t *len)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        n += strlen(parts[i]);
    }
    char *page = malloc(n + 1);
    if (page == NULL) {
        return NULL;
    }
    size_t at = 0;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        size_t k = strlen(parts[i]);
        memcpy(page + at, parts[i], k);
        at += k;
    }
    page[at] = '\0';
    *len = at;
    return page;
}
